import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { ApiRecord } from "../api-record.ts";
import { exampleRequest } from "../catalog.ts";
import { apiArguments } from "../discovery/api-arguments.ts";
import { pricingSummary, pricingText } from "../pricing-summary.ts";

/** MCP tool descriptions are read by models: the catalog's text, bounded. */
const MAX_DESCRIPTION_CHARS = 1_000;

/** One MCP tool per API, named after its slug; its input is the API's arguments, its price in the description. */
export function toolFor(api: ApiRecord, origin: string): Tool {
  const payment = `Paid: ${pricingText(api)} with x402 (an unpaid call returns the payment requirements; retry with the signed payment in _meta["x402/payment"]). Failed calls are not charged.`;
  const text = `${api.title}: ${api.description}`;
  const description = `${text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : text}\n${payment}\nHTTP equivalent: ${exampleRequest(api, origin)}`;
  return {
    name: api.slug,
    title: api.title,
    description,
    inputSchema: apiArguments(api) as Tool["inputSchema"],
    annotations: {
      title: api.title,
      readOnlyHint: api.kind === "data",
      openWorldHint: api.kind === "function",
    },
    _meta: {
      "x402/price": api.priceUsd,
      "x402/pricing": pricingSummary(api),
      "x402/resource": `${origin}/${api.slug}`,
    },
  };
}
