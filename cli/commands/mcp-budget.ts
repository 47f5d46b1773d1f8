import { formatUsd } from "../../core/price.ts";

/**
 * What a `402claw mcp` session may still spend: a per-call cap and a session budget, in token
 * units. Amounts are reserved before signing (so concurrent calls cannot overspend together) and
 * either committed (the call was settled) or released (it failed, so it was not charged).
 */
export class SpendingBudget {
  private spent = 0n;
  private reserved = 0n;
  private calls = 0;

  constructor(
    readonly maxPerCall: bigint,
    readonly budget: bigint,
  ) {}

  /** Why this amount may not be paid now, or undefined when it may (and is then reserved). */
  reserve(amount: bigint): string | undefined {
    if (amount > this.maxPerCall) {
      return `the call costs ${formatUsd(amount)}, above --max-per-call ${formatUsd(this.maxPerCall)}`;
    }
    const left = this.budget - this.spent - this.reserved;
    if (amount > left) {
      return `the call costs ${formatUsd(amount)} but only ${formatUsd(left)} of the --budget ${formatUsd(this.budget)} is left`;
    }
    this.reserved += amount;
    return undefined;
  }

  /** A reservation ended with `charged` (at most the reserved amount; 0 when the call was not charged). */
  settle(reserved: bigint, charged: bigint): void {
    this.reserved -= reserved;
    this.spent += charged;
    if (charged > 0n) this.calls += 1;
  }

  /** One line for people and agents: calls paid, spent, left. */
  summary(): string {
    return `spent ${formatUsd(this.spent)} on ${this.calls} paid call${this.calls === 1 ? "" : "s"}; ${formatUsd(this.budget - this.spent)} of the ${formatUsd(this.budget)} budget left`;
  }

  get spentAtomic(): bigint {
    return this.spent;
  }
}
