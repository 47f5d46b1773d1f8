import { formatUsd } from "../../core/price.ts";
import type { ApiRecord } from "./api-record.ts";

/** How an API is priced, as discovery documents say it: a fixed price, or a range up to its price. */
export interface PricingSummary {
  /** fixed: every call pays `price`; range: a call pays what it used, from `minPrice` to `maxPrice`. */
  mode: "fixed" | "range";
  /** USD, as written in api.yaml (e.g. "$0.01"): the price, or the most one call costs. */
  maxPrice: string;
  minPrice: string;
  /** Data APIs priced per returned row. */
  pricePerRow?: string;
}

/** The pricing of an API for the catalog, /openapi.json, /llms.txt and its page. */
export function pricingSummary(api: ApiRecord): PricingSummary {
  // As the creator wrote it ("$0.001"), as every page has always shown it.
  const maxPrice = api.priceUsd;
  if (!api.pricing) return { mode: "fixed", maxPrice, minPrice: maxPrice };
  return {
    mode: "range",
    maxPrice,
    minPrice: formatUsd(0n),
    ...(api.pricing.unit === "row" ? { pricePerRow: formatUsd(BigInt(api.pricing.perRowAtomic)) } : {}),
  };
}

/** One line a person or an agent reads: "$0.001 per call", "$0.0001 per returned row, at most $0.01 per call". */
export function pricingText(api: ApiRecord): string {
  const pricing = pricingSummary(api);
  if (pricing.mode === "fixed") return `${pricing.maxPrice} per call`;
  const used = pricing.pricePerRow ? `${pricing.pricePerRow} per returned row` : "charged as used";
  return `${used}, at most ${pricing.maxPrice} per call (exact payments pay ${pricing.maxPrice})`;
}
