import type { ApiManifest } from "./manifest/schema.ts";
import { parseUsdPrice } from "./price.ts";

/**
 * How a usage-priced API charges one call, at most its price: per returned row (data APIs, with
 * `pricePerRow`) or what the function reported (`pricing: usage`). Fixed-price APIs have none.
 */
export type UsagePricing = { unit: "row"; perRowAtomic: string } | { unit: "reported" };

/** The usage pricing a manifest declares, or undefined when every call pays the price. */
export function usagePricingOf(
  manifest: Pick<ApiManifest, "kind" | "pricing" | "pricePerRow">,
): UsagePricing | undefined {
  if (manifest.kind === "data" && manifest.pricePerRow !== undefined) {
    const perRow = parseUsdPrice(manifest.pricePerRow);
    return perRow === undefined ? undefined : { unit: "row", perRowAtomic: perRow.toString() };
  }
  if (manifest.kind === "function" && manifest.pricing === "usage") return { unit: "reported" };
  return undefined;
}

/** Decodes a stored UsagePricing (D1's `pricing_json`); anything unreadable means fixed pricing. */
export function decodeUsagePricing(json: unknown): UsagePricing | undefined {
  if (typeof json !== "string") return undefined;
  try {
    const value = JSON.parse(json) as { unit?: unknown; perRowAtomic?: unknown };
    if (value.unit === "reported") return { unit: "reported" };
    if (
      value.unit === "row" &&
      typeof value.perRowAtomic === "string" &&
      /^\d{1,18}$/.test(value.perRowAtomic)
    )
      return { unit: "row", perRowAtomic: value.perRowAtomic };
  } catch {
    // Fall through: an unreadable row is charged like a fixed-price API (the price it quoted).
  }
  return undefined;
}
