import { describe, expect, it } from "vitest";
import { SpendingBudget } from "./mcp-budget.ts";

describe("SpendingBudget", () => {
  it("refuses a call above the per-call cap, naming both amounts", () => {
    expect(new SpendingBudget(1000n, 10_000n).reserve(2000n)).toBe(
      "the call costs $0.002, above --max-per-call $0.001",
    );
  });

  it("counts reservations, so concurrent calls cannot overspend together", () => {
    const budget = new SpendingBudget(1000n, 1500n);
    expect(budget.reserve(1000n)).toBeUndefined();
    expect(budget.reserve(1000n)).toContain("only $0.0005 of the --budget $0.0015 is left");
    budget.settle(1000n, 0n); // not charged: the reservation returns
    expect(budget.reserve(1000n)).toBeUndefined();
    budget.settle(1000n, 1000n);
    expect(budget.summary()).toBe("spent $0.001 on 1 paid call; $0.0005 of the $0.0015 budget left");
    expect(budget.spentAtomic).toBe(1000n);
  });
});

describe("SpendingBudget with payment channels", () => {
  it("counts what a call was charged, never more than was reserved", () => {
    const budget = new SpendingBudget(1000n, 3000n);
    expect(budget.reserve(1000n)).toBeUndefined();
    budget.settle(1000n, 400n); // a voucher of a usage-priced API charged less than the price
    expect(budget.spentAtomic).toBe(400n);
    expect(budget.reserve(1000n)).toBeUndefined();
    budget.settle(1000n, 5000n); // a charge above the reservation cannot exceed it
    expect(budget.spentAtomic).toBe(1400n);
    expect(budget.remaining).toBe(1600n);
  });

  it("reports deposits apart from spending: locked, not spent, and what is unspent in the channels", () => {
    const budget = new SpendingBudget(1000n, 3000n);
    expect(budget.reserve(1000n)).toBeUndefined();
    budget.settle(1000n, 1000n);
    budget.deposited(3000n);
    budget.channel("0xAB", 3000n, 1000n);
    budget.channel("0xab", 3000n, 2000n); // the same channel, later: replaced, not added
    expect(budget.summary()).toBe(
      "spent $0.001 on 1 paid call; $0.002 of the $0.003 budget left; $0.003 deposited into payment channels (locked, not spent: $0.001 of the channels' balance is unspent, for later calls or withdrawal)",
    );
    // A deposit is not spending: the budget left is unchanged by it.
    expect(budget.remaining).toBe(2000n);
  });
});
