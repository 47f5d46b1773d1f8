import { decodeUsagePricing, type UsagePricing } from "../../core/usage-pricing.ts";

/** An API as the gateway sees it: one row of D1's `apis` table, decoded. */
export interface ApiRecord {
  slug: string;
  title: string;
  description: string;
  kind: "data" | "function";
  owner: string;
  priceUsd: string;
  /** Token units as a decimal string (x402 amounts are strings); with usage pricing, the most a call costs. */
  priceAtomic: string;
  /** How a call is charged less than the price (per row, or as the function reports); absent: fixed. */
  pricing?: UsagePricing;
  payTo: string;
  workerName: string;
  settleMode: "after" | "before";
  limits: { cpuMs?: number; ratePerMinute?: number };
  egress: string[];
  tags: string[];
  example: string | null;
  outputSchema: unknown;
  /** How a function's input is sent: query parameters (GET) or a JSON body (POST). Data APIs: GET. */
  method: "GET" | "POST";
  /** A function's declared input (JSON Schema of an object), from api.yaml; null when undeclared. */
  inputSchema: Record<string, unknown> | null;
  /** A function's declared response body (JSON Schema), from api.yaml; null when undeclared. */
  responseSchema: Record<string, unknown> | null;
  status: "active" | "retired";
  /** The platform's share of this API's split, in basis points (the creator gets the rest). */
  platformFeeBps: number;
  /** Recent earlier prices, so a caller who paid a quote just before a change is honoured. */
  earlierPrices: Array<{ amount: string; payTo: string; until: number }>;
}

/** Columns selected for an ApiRecord; kept next to the decoder so they cannot drift apart. */
export const API_COLUMNS = `slug, title, description, kind, owner, price_usd, price_atomic, pay_to, worker_name,
  settle_mode, limits_json, egress_json, tags_json, example, output_schema_json, status, platform_fee_bps,
  http_method, input_schema_json, response_schema_json, pricing_json`;

/** Decodes a D1 row selected with API_COLUMNS. */
export function decodeApiRow(row: Record<string, unknown>): ApiRecord {
  return {
    slug: String(row.slug),
    title: String(row.title),
    description: String(row.description),
    kind: row.kind === "function" ? "function" : "data",
    owner: String(row.owner),
    priceUsd: String(row.price_usd),
    priceAtomic: String(row.price_atomic),
    ...usagePricing(row.pricing_json),
    payTo: String(row.pay_to),
    workerName: String(row.worker_name),
    settleMode: row.settle_mode === "before" ? "before" : "after",
    limits: JSON.parse(String(row.limits_json ?? "{}")),
    egress: JSON.parse(String(row.egress_json ?? "[]")),
    tags: JSON.parse(String(row.tags_json ?? "[]")),
    example: row.example == null ? null : String(row.example),
    outputSchema: row.output_schema_json == null ? null : JSON.parse(String(row.output_schema_json)),
    method: row.http_method === "POST" ? "POST" : "GET",
    inputSchema: row.input_schema_json == null ? null : JSON.parse(String(row.input_schema_json)),
    responseSchema: row.response_schema_json == null ? null : JSON.parse(String(row.response_schema_json)),
    status: row.status === "retired" ? "retired" : "active",
    platformFeeBps: Number(row.platform_fee_bps ?? 0),
    earlierPrices: [],
  };
}

function usagePricing(json: unknown): { pricing?: UsagePricing } {
  const pricing = decodeUsagePricing(json);
  return pricing ? { pricing } : {};
}

/** How far back earlier prices are kept on the record: longer than any quote stays valid. */
export const EARLIER_PRICES_WINDOW_SECONDS = 3600;

/** Earlier prices from `api_prices` rows (newest first): each one lasted until the next began. */
export function earlierPricesFrom(
  rows: ReadonlyArray<{ price_atomic: number | string; pay_to: string; effective_from: number }>,
): ApiRecord["earlierPrices"] {
  return rows.slice(1).map((row, index) => ({
    amount: String(row.price_atomic),
    payTo: row.pay_to,
    until: rows[index]!.effective_from * 1000,
  }));
}
