import { describe, expect, it } from "vitest";
import { formatUsd, parseUsdPrice } from "./price.ts";

describe("parseUsdPrice", () => {
  it.each([
    ["$0.001", 1000n],
    ["$1", 1_000_000n],
    ["$0.000001", 1n],
    ["$12.5", 12_500_000n],
  ])("%s is %s atomic units", (price, atomic) => {
    expect(parseUsdPrice(price)).toBe(atomic);
  });

  it.each(["0.001", "$0.0000001", "$-1", "$1e3", "$ 1", "$1.", "$.5", "USD 1", ""])("rejects %j", (price) => {
    expect(parseUsdPrice(price)).toBeUndefined();
  });
});

describe("formatUsd", () => {
  it("round-trips prices", () => {
    for (const price of ["$0.001", "$1.00", "$0.000001", "$12.50"]) {
      expect(formatUsd(parseUsdPrice(price)!)).toBe(price);
    }
  });
});
