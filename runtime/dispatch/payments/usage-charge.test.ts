import { describe, expect, it } from "vitest";
import type { UsagePricing } from "../../../core/usage-pricing.ts";
import { CHARGE_HEADER, reportedCharge, usageCharge, withUsageCharge } from "./usage-charge.ts";

const perRow: UsagePricing = { unit: "row", perRowAtomic: "100" };
const reported: UsagePricing = { unit: "reported" };

function answer(headers: Record<string, string>): Response {
  return new Response("{}", { headers });
}

/** What a served call is charged, as the gate sees it: usage charge capped at `max`. */
function charged(pricing: UsagePricing | undefined, headers: Record<string, string>, max = "10000") {
  const raw = answer(headers);
  return reportedCharge(withUsageCharge(new Response("{}"), raw, pricing), max);
}

describe("usage charges", () => {
  it("a data API priced per row is charged rows × pricePerRow", () => {
    expect(usageCharge(perRow, answer({ "x-402claw-rows": "7" }))).toBe(700n);
    expect(charged(perRow, { "x-402claw-rows": "7" })).toBe(700n);
    expect(charged(perRow, { "x-402claw-rows": "0" })).toBe(0n);
  });

  it("never charges more than the maximum (the price the payer signed for)", () => {
    expect(charged(perRow, { "x-402claw-rows": "1000" }, "10000")).toBe(10000n);
    expect(charged(reported, { [CHARGE_HEADER]: "$0.5" }, "1000")).toBe(1000n);
    expect(charged(reported, { [CHARGE_HEADER]: "999999999999" }, "1000")).toBe(1000n);
  });

  it("a function reports its charge in USD or token units", () => {
    expect(charged(reported, { [CHARGE_HEADER]: "$0.0004" })).toBe(400n);
    expect(charged(reported, { [CHARGE_HEADER]: " 250 " })).toBe(250n);
    expect(charged(reported, { [CHARGE_HEADER]: "$0" })).toBe(0n);
  });

  it("an unreadable report charges nothing (never below zero, never a surprise for the caller)", () => {
    for (const text of ["-5", "$-0.1", "$0.0000001", "abc", "1e3", "$", "0x10", "9".repeat(41)])
      expect(charged(reported, { [CHARGE_HEADER]: text }), text).toBe(0n);
  });

  it("charges the price when nothing was reported or the API has a fixed price", () => {
    expect(charged(reported, {})).toBeUndefined();
    expect(charged(perRow, {})).toBeUndefined();
    expect(charged(perRow, { "x-402claw-rows": "many" })).toBeUndefined();
    // A fixed-price function's report is ignored: its discovery says "fixed", so it charges the price.
    expect(charged(undefined, { [CHARGE_HEADER]: "$0.0004" })).toBeUndefined();
    // A function cannot claim a row count: only data APIs are priced per row.
    expect(charged(reported, { "x-402claw-rows": "1" })).toBeUndefined();
  });
});
