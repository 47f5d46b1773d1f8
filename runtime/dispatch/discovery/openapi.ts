import { formatUsd } from "../../../core/price.ts";
import type { ApiRecord } from "../api-record.ts";
import { pricingSummary, pricingText } from "../pricing-summary.ts";
import type { DispatchSettings } from "../settings.ts";
import {
  apiArguments,
  DATA_SCHEMA_RESPONSE,
  dataResponseSchema,
  type ObjectSchema,
} from "./api-arguments.ts";

/** What the document says about the marketplace itself. */
export interface MarketplaceInfo {
  title: string;
  version: string;
  origin: string;
  contact: { name: string; url?: string; email?: string };
  network: string;
  asset: string;
}

/** The marketplace's identity for discovery documents, from its settings. */
export function marketplaceInfo(settings: DispatchSettings): MarketplaceInfo {
  const contact = settings.contact?.includes("@")
    ? { name: "marketplace operator", email: settings.contact }
    : { name: "marketplace operator", url: settings.contact ?? `${settings.publicOrigin}/` };
  return {
    title: settings.marketplaceName,
    version: "1.0.0",
    origin: settings.publicOrigin,
    contact,
    network: settings.network,
    asset: settings.asset,
  };
}

const ERROR_SCHEMA = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" } },
      required: ["code", "message"],
    },
  },
} as const;

const PAYMENT_REQUIRED = {
  description:
    "Payment required (x402 v2): the PAYMENT-REQUIRED header (base64 JSON) lists the accepted payments; sign one and retry with PAYMENT-SIGNATURE",
  headers: {
    "PAYMENT-REQUIRED": {
      description: "x402 PaymentRequired, base64-encoded JSON",
      schema: { type: "string" },
    },
  },
} as const;

/**
 * The marketplace as an OpenAPI 3.1 document, following x402scan's discovery convention: every
 * paid operation declares `x-payment-info` and a 402 response; free ones declare `security: []`.
 */
export function openApiDocument(apis: readonly ApiRecord[], info: MarketplaceInfo): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const api of apis) {
    paths[`/${api.slug}`] = { [api.method.toLowerCase()]: callOperation(api) };
    if (api.kind === "data") paths[`/${api.slug}/schema`] = { get: schemaOperation(api) };
  }
  paths["/"] = {
    get: freeOperation("listApis", "The catalog: every API with its price (JSON)", catalogQuery()),
  };
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      description: `Pay-per-call APIs. Every call is paid with x402 (USDC on ${info.network}, asset ${info.asset}): call, get a 402 with the price, sign, retry with PAYMENT-SIGNATURE. Agents: ${info.origin}/llms.txt, MCP at ${info.origin}/mcp.`,
      contact: info.contact,
    },
    servers: [{ url: info.origin }],
    "x-discovery": { llmsTxtUrl: `${info.origin}/llms.txt` },
    tags: [...new Set(apis.flatMap((api) => api.tags))].sort().map((name) => ({ name })),
    paths,
  };
}

/**
 * x402scan's pricing metadata: a fixed price per call, or for usage-priced APIs a range from
 * nothing up to the price (what a voucher is charged; exact payments pay the maximum).
 */
function paymentInfo(api: ApiRecord) {
  const pricing = pricingSummary(api);
  const usd = (price: string) => price.slice(1);
  const max = usd(formatUsd(BigInt(api.priceAtomic)));
  if (pricing.mode === "fixed") return { protocols: ["x402"], pricingMode: "fixed", price: max };
  return {
    protocols: ["x402"],
    pricingMode: "range",
    minPrice: usd(pricing.minPrice),
    maxPrice: max,
    ...(pricing.pricePerRow ? { pricePerRow: usd(pricing.pricePerRow) } : {}),
  };
}

function callOperation(api: ApiRecord): Record<string, unknown> {
  const args = apiArguments(api);
  const body =
    api.kind === "data"
      ? dataResponseSchema(api)
      : (api.responseSchema ?? { description: "the function's answer" });
  return {
    operationId: `call_${api.slug.replaceAll("-", "_")}`,
    summary: api.title,
    description: `${api.description} Price: ${pricingText(api)}.`,
    ...(api.tags.length ? { tags: api.tags } : {}),
    "x-payment-info": paymentInfo(api),
    ...(api.method === "POST"
      ? { requestBody: { required: true, content: { "application/json": { schema: args } } } }
      : { parameters: queryParameters(args) }),
    responses: {
      "200": { description: "the answer", content: { "application/json": { schema: body } } },
      "400": { description: "a bad argument, named (not charged)", content: jsonOf(ERROR_SCHEMA) },
      "402": PAYMENT_REQUIRED,
    },
  };
}

function schemaOperation(api: ApiRecord): Record<string, unknown> {
  return {
    operationId: `schema_${api.slug.replaceAll("-", "_")}`,
    summary: `${api.title}: every column and its type`,
    description: `All columns of ${api.slug} with their inferred types, and the row count. Price: ${pricingText(api)}.`,
    "x-payment-info": paymentInfo(api),
    responses: {
      "200": { description: "the columns", content: jsonOf(DATA_SCHEMA_RESPONSE) },
      "402": PAYMENT_REQUIRED,
    },
  };
}

function freeOperation(operationId: string, summary: string, parameters: unknown[]): Record<string, unknown> {
  return {
    operationId,
    summary,
    security: [],
    parameters,
    responses: { "200": { description: summary, content: jsonOf({ type: "object" }) } },
  };
}

function catalogQuery(): unknown[] {
  return [
    {
      name: "q",
      in: "query",
      schema: { type: "string" },
      description: "words in the slug, title or description",
    },
    { name: "tag", in: "query", schema: { type: "string" }, description: "only APIs with this tag" },
    { name: "kind", in: "query", schema: { type: "string", enum: ["data", "function"] } },
    {
      name: "maxPrice",
      in: "query",
      schema: { type: "string" },
      description: 'at most this USD price, e.g. "$0.01"',
    },
  ];
}

/** One OpenAPI query parameter per argument (arguments of a GET call are scalars). */
function queryParameters(args: ObjectSchema): unknown[] {
  const required = new Set(args.required ?? []);
  // Arguments not named up front (a function without a declared input, a very wide table): free-form.
  const open = args.additionalProperties
    ? [
        {
          name: "arguments",
          in: "query",
          style: "form",
          explode: true,
          description: args.description ?? "further query parameters",
          schema: { type: "object", additionalProperties: args.additionalProperties },
        },
      ]
    : [];
  return [
    ...Object.entries(args.properties ?? {}).map(([name, schema]) => {
      const { description, ...rest } = schema;
      return {
        name,
        in: "query",
        ...(required.has(name) ? { required: true } : {}),
        ...(description ? { description } : {}),
        schema: rest,
      };
    }),
    ...open,
  ];
}

function jsonOf(schema: unknown) {
  return { "application/json": { schema } };
}
