import type { RouteConfig } from "@x402/core/server";
import { declareDiscoveryExtension } from "@x402/extensions/bazaar";
import type { ApiRecord } from "../api-record.ts";
import type { PaymentConfig } from "./payment-config.ts";

const JSON_TYPES: Record<string, string> = {
  number: "number",
  boolean: "boolean",
  date: "string",
  string: "string",
};

/**
 * One API's x402 route: scheme `exact` on the configured network and asset, the API's price and
 * payTo (its split address), and a Bazaar discovery block so agents know what they buy.
 * `settle: before` APIs use x402's upfront flow: the payment settles before the creator runs.
 */
export function routeConfigFor(api: ApiRecord, config: PaymentConfig, resourceUrl: string): RouteConfig {
  return {
    accepts: {
      scheme: "exact",
      network: config.network,
      payTo: api.payTo,
      price: {
        amount: api.priceAtomic,
        asset: config.asset,
        extra: {
          name: config.assetName,
          version: config.assetVersion,
          ...(api.settleMode === "before" ? { paymentFlow: "upfront" } : {}),
        },
      },
      maxTimeoutSeconds: config.maxTimeoutSeconds,
    },
    resource: resourceUrl,
    description: `${api.title}: ${api.description}`,
    mimeType: "application/json",
    extensions: declareDiscoveryExtension({ input: exampleInput(api), ...dataDescription(api) }),
  };
}

function exampleInput(api: ApiRecord): Record<string, unknown> {
  const query = api.example?.split("?")[1];
  return query ? Object.fromEntries(new URLSearchParams(query)) : {};
}

interface DataShape {
  columns?: Array<{ name: string; type: string }>;
  rows?: number;
  sample?: Record<string, unknown> | null;
}

const GRAMMAR_INPUT = {
  properties: Object.fromEntries(
    ["sort", "order", "page", "limit", "fields"].map((name) => [name, { type: "string" }]),
  ),
  additionalProperties: {
    type: "string",
    description: "filter_<field>[__gt|gte|lt|lte|ne|contains|in]=value",
  },
};

/** Data APIs describe their query grammar and rows (types inferred at upload, a real first row). */
function dataDescription(api: ApiRecord) {
  const shape = api.outputSchema as DataShape | null;
  const schema = outputSchema(api.kind, shape);
  if (!schema || !shape?.sample) return {};
  const example = { data: [shape.sample], pagination: { page: 1, limit: 100, total: shape.rows ?? 1 } };
  return { inputSchema: GRAMMAR_INPUT, output: { example, schema } };
}

function outputSchema(
  kind: ApiRecord["kind"],
  described: DataShape | null,
): Record<string, unknown> | undefined {
  if (kind !== "data" || !described?.columns) return undefined;
  const properties = Object.fromEntries(
    described.columns.map((column) => [column.name, { type: [JSON_TYPES[column.type] ?? "string", "null"] }]),
  );
  return {
    type: "object",
    properties: {
      data: { type: "array", items: { type: "object", properties } },
      pagination: {
        type: "object",
        properties: { page: { type: "integer" }, limit: { type: "integer" }, total: { type: "integer" } },
      },
    },
  };
}
