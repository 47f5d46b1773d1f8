import { describe, expect, it } from "vitest";
import { canAdvance, type PaymentState } from "./payment-state.ts";

describe("payment state machine", () => {
  it.each<[PaymentState, PaymentState]>([
    ["verified", "served"],
    ["served", "settling"],
    ["settling", "settled"],
    ["settling", "unknown"],
    ["unknown", "settled"],
    ["verified", "settling"],
  ])("allows %s → %s", (from, to) => expect(canAdvance(from, to)).toBe(true));

  it.each<[PaymentState, PaymentState]>([
    ["settled", "failed"],
    ["failed", "settled"],
    ["settled", "verified"],
    ["served", "verified"],
    ["unknown", "settling"],
  ])("refuses %s → %s", (from, to) => expect(canAdvance(from, to)).toBe(false));
});
