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
