import { describe, expect, it } from "vitest";
import { decodeUsagePricing, usagePricingOf } from "./usage-pricing.ts";

describe("usagePricingOf", () => {
  it("prices a data API per row when it declares pricePerRow", () => {
    expect(usagePricingOf({ kind: "data", pricePerRow: "$0.0001" })).toEqual({
      unit: "row",
      perRowAtomic: "100",
    });
  });

  it("lets a function charge what it reports only with pricing: usage", () => {
    expect(usagePricingOf({ kind: "function", pricing: "usage" })).toEqual({ unit: "reported" });
    expect(usagePricingOf({ kind: "function" })).toBeUndefined();
    expect(usagePricingOf({ kind: "function", pricing: "fixed" })).toBeUndefined();
    expect(usagePricingOf({ kind: "data" })).toBeUndefined();
  });

  it("round-trips through the catalog's JSON and reads anything else as fixed", () => {
    for (const pricing of [{ unit: "row", perRowAtomic: "100" }, { unit: "reported" }] as const)
      expect(decodeUsagePricing(JSON.stringify(pricing))).toEqual(pricing);
    for (const stored of [
      null,
      "",
      "{",
      '{"unit":"row"}',
      '{"unit":"row","perRowAtomic":"-1"}',
      '{"unit":"x"}',
    ])
      expect(decodeUsagePricing(stored)).toBeUndefined();
  });
});
