import { formatUsd } from "../../core/price.ts";

/**
 * What a `402claw mcp` session may still spend: a per-call cap and a session budget, in token
 * units. Amounts are reserved before signing (so concurrent calls cannot overspend together) and
 * either committed with what the call was actually charged (a voucher may charge less than the
 * price) or released (it failed, so it was not charged).
 *
 * The budget bounds charges only. A batch-settlement deposit is not spending: it is locked in a
 * payment channel that later calls draw on, and what they do not use can be withdrawn. Deposits
 * are reported apart ("locked in payment channels"), and each is kept within what is left of the
 * budget (see `remaining`), so a session never locks more than it could still spend at that time.
 */
export class SpendingBudget {
  private spent = 0n;
  private reserved = 0n;
  private calls = 0;
  private deposits = 0n;
  /** What is still unspent in each payment channel this session paid through, by channel id. */
  private readonly unspentByChannel = new Map<string, bigint>();

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
    this.spent += charged < reserved ? charged : reserved;
    if (charged > 0n) this.calls += 1;
  }

  /** A deposit went into a payment channel: locked for later calls, not spent. */
  deposited(amount: bigint): void {
    this.deposits += amount;
  }

  /** A channel's state after a call: its balance and what the gateway has charged from it so far. */
  channel(channelId: string, balance: bigint, charged: bigint): void {
    this.unspentByChannel.set(channelId.toLowerCase(), balance > charged ? balance - charged : 0n);
  }

  /** The most a deposit may lock now: what is left of the budget. */
  get remaining(): bigint {
    return this.budget > this.spent ? this.budget - this.spent : 0n;
  }

  /** One line for people and agents: calls paid, spent, left; and deposits, which are not spending. */
  summary(): string {
    const spending = `spent ${formatUsd(this.spent)} on ${this.calls} paid call${this.calls === 1 ? "" : "s"}; ${formatUsd(this.budget - this.spent)} of the ${formatUsd(this.budget)} budget left`;
    if (this.deposits === 0n) return spending;
    let unspent = 0n;
    for (const amount of this.unspentByChannel.values()) unspent += amount;
    return `${spending}; ${formatUsd(this.deposits)} deposited into payment channels (locked, not spent: ${formatUsd(unspent)} of the channels' balance is unspent, for later calls or withdrawal)`;
  }

  get spentAtomic(): bigint {
    return this.spent;
  }
}
