import { FacilitatorTimeoutError, SettleError } from "@x402/core/types";
import { describe, expect, it } from "vitest";
import { nothingWasSettled } from "./settle-outcome.ts";

const network = "eip155:31337" as const;

describe("nothingWasSettled", () => {
  it("is true for a refusal the facilitator reported with no transaction", () => {
    const refusal = {
      success: false,
      errorReason: "invalid_exact_evm_insufficient_balance",
      transaction: "",
      network,
    };
    expect(nothingWasSettled(new SettleError(400, refusal))).toBe(true);
    expect(nothingWasSettled(refusal)).toBe(true);
  });

  it("is false when a transaction was sent, or the facilitator is still waiting on one", () => {
    const reverted = { success: false, errorReason: "transaction_failed", transaction: "0xabc", network };
    const pending = { success: false, errorReason: "settlement_pending", transaction: "", network };
    expect(nothingWasSettled(new SettleError(500, reverted))).toBe(false);
    expect(nothingWasSettled(new SettleError(500, pending))).toBe(false);
    expect(nothingWasSettled(pending)).toBe(false);
  });

  it("is false for errors that say nothing about the chain (timeouts, lost answers)", () => {
    expect(nothingWasSettled(new FacilitatorTimeoutError("settle", 5000))).toBe(false);
    expect(nothingWasSettled(new Error("fetch failed"))).toBe(false);
    expect(nothingWasSettled({ success: true, transaction: "0xabc", network })).toBe(false);
  });
});
