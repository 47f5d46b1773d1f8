import type { DispatchEnv } from "../env.ts";

/** One line of the ledger: what an API's calls came to, per state, in token units. */
export interface LedgerLine {
  api: string;
  payTo: string;
  state: string;
  payments: number;
  amount: string;
}

/** Sums of the payments copied to D1, per API, payTo and state. */
export async function ledgerReport(env: DispatchEnv): Promise<LedgerLine[]> {
  const { results } = await env.DB.prepare(
    `SELECT api_slug AS api, pay_to AS payTo, state, COUNT(*) AS payments, SUM(amount_atomic) AS amount
       FROM payments GROUP BY api_slug, pay_to, state ORDER BY api_slug, state`,
  ).all<{ api: string; payTo: string; state: string; payments: number; amount: number }>();
  return results.map((row) => ({ ...row, amount: String(row.amount) }));
}
