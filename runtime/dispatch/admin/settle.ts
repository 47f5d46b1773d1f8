import type { SettlementRun } from "../../ledger/batch-settler.ts";
import type { DispatchEnv } from "../env.ts";

/** What settling every channel did, and what is still owed afterwards. */
export interface SettleAllResult {
  payers: number;
  claims: SettlementRun["claims"];
  settles: SettlementRun["settles"];
  refunds: SettlementRun["refunds"];
  errors: string[];
  /** Vouchers charged or claimed but not yet settled into their split, after this run. */
  outstanding: { vouchers: number; amount: string };
}

/**
 * Claims every outstanding batch-settlement voucher and settles each API's split now, ledger by
 * ledger (`402claw settle`, and the cron as a backstop to the ledgers' own alarms).
 */
export async function settleAllChannels(env: DispatchEnv): Promise<SettleAllResult> {
  const ledgers = env.PAYER_LEDGER;
  if (!ledgers) throw new Error("settling needs the PAYER_LEDGER binding");
  const { results } = await env.DB.prepare("SELECT DISTINCT payer FROM payer_channels ORDER BY payer").all<{
    payer: string;
  }>();
  const result: SettleAllResult = {
    payers: results.length,
    claims: [],
    settles: [],
    refunds: [],
    errors: [],
    outstanding: { vouchers: 0, amount: "0" },
  };
  let owed = 0n;
  for (const { payer } of results) {
    const ledger = ledgers.get(ledgers.idFromName(payer));
    const run = await ledger.settleNow(false);
    result.claims.push(...run.claims);
    result.settles.push(...run.settles);
    result.refunds.push(...run.refunds);
    result.errors.push(...run.errors.map((error) => `${payer}: ${error}`));
    for (const state of ["charged", "claimed"] as const) {
      for (const voucher of await ledger.vouchers(state)) {
        result.outstanding.vouchers += 1;
        owed += BigInt(voucher.amount);
      }
    }
  }
  result.outstanding.amount = owed.toString();
  return result;
}
