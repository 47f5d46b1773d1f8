import type { ApiRecord } from "../api-record.ts";
import { exampleRequest } from "../catalog.ts";
import { pricingText } from "../pricing-summary.ts";
import type { MarketplaceInfo } from "./openapi.ts";

/** `/llms.txt`: what the marketplace is, how to pay, and every API with its price and an example call. */
export function llmsTxt(apis: readonly ApiRecord[], info: MarketplaceInfo): string {
  const origin = info.origin;
  const lines = [
    `# ${info.title}`,
    "",
    `> Pay-per-call APIs: data sets served as queryable APIs, and functions. No account and no API key: every call is paid with x402 (HTTP 402 + a USDC signature) on ${info.network}.`,
    "",
    "## How to pay",
    "",
    `1. Call an API, e.g. \`GET ${origin}/<slug>\`. Unpaid, it answers 402 with a PAYMENT-REQUIRED header (base64 JSON, x402 v2): the price, the asset (${info.asset}), the network and payTo.`,
    "2. Sign one of the offered payments with your wallet (an x402 client such as @x402/fetch does this) and repeat the call with the PAYMENT-SIGNATURE header.",
    "3. The answer carries a PAYMENT-RESPONSE header with the settlement. A failed call (status 400 or more) is never charged, and a signature pays for one call only.",
    "",
    'Usage-priced APIs ("at most" below) charge a batch-settlement voucher what the call used (e.g. per returned row) up to the price, and say so in the offer\'s `extra` (`pricingMode: "range"`); exact payments pay the price.',
    "",
    `MCP: \`${origin}/mcp\` (Streamable HTTP) has one tool per API; payments follow x402's MCP transport (\`_meta["x402/payment"]\`). Machine-readable catalog: ${origin}/openapi.json; the JSON catalog with search: \`${origin}/?format=json&q=<words>&tag=<tag>&kind=data|function&maxPrice=<usd>\`.`,
    "",
    "## APIs",
    "",
    ...apis.map((api) => {
      const description = api.description.replace(/\s+/g, " ");
      const kind = api.kind === "data" ? "data set" : "function";
      return `- [${api.title}](${origin}/${api.slug}): ${description} (${kind}, ${pricingText(api)}). Example: \`${exampleRequest(api, origin)}\``;
    }),
    "",
    "## Data API queries",
    "",
    "`filter_<field>=v` (equals), `filter_<field>__<op>=v` with op gt, gte, lt, lte, ne, contains or in (comma-separated); `sort=<field>`, `order=asc|desc`, `page`, `limit` (default 100, max 1000), `fields=a,b`. `GET /<slug>/schema` lists the columns and their types. Answers are `{ data, pagination: { page, limit, total } }`.",
    "",
  ];
  return lines.join("\n");
}
