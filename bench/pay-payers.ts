import { type DevAccount, devAccount } from "../chain/accounts.ts";

export { balanceReader, fundPayers } from "../chain/fund-payers.ts";

/**
 * anvil accounts 6–9 are claimed by no role: one payer each, so concurrent callers never share
 * a payer ledger (one Durable Object per payer) and measure contention that real traffic lacks.
 */
export const BENCH_PAYER_INDEXES = [6, 7, 8, 9] as const;

export function benchPayers(count: number): DevAccount[] {
  if (count > BENCH_PAYER_INDEXES.length) throw new Error(`at most ${BENCH_PAYER_INDEXES.length} payers`);
  return BENCH_PAYER_INDEXES.slice(0, count).map((index) => devAccount(index));
}
