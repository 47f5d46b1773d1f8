import type { DispatchEnv } from "../env.ts";

/** One line of the ledger: what an API's calls came to, per state, in token units. */
export interface LedgerLine {
  api: string;
  payTo: string;
  state: string;
  payments: number;
  amount: string;
}

/**
 * Sums of the payments copied to D1, per API, payTo and state: exact payments by their state,
 * batch-settlement vouchers as `batch_charged` (owed), `batch_claimed` and `batch_settled`.
 */
export async function ledgerReport(env: DispatchEnv): Promise<LedgerLine[]> {
  const { results } = await env.DB.prepare(
    `SELECT api, payTo, state, payments, amount FROM (
       SELECT api_slug AS api, pay_to AS payTo, state, COUNT(*) AS payments, SUM(amount_atomic) AS amount
         FROM payments GROUP BY api_slug, pay_to, state
       UNION ALL
       SELECT api_slug, pay_to, 'batch_' || state, COUNT(*), SUM(amount_atomic)
         FROM vouchers GROUP BY api_slug, pay_to, state)
     ORDER BY api, state`,
  ).all<{ api: string; payTo: string; state: string; payments: number; amount: number }>();
  return results.map((row) => ({ ...row, amount: String(row.amount) }));
}

/** One payment channel as D1 knows it: what its vouchers charged, and how much of that was claimed. */
export interface ChannelLine {
  channelId: string;
  payTo: string;
  charged: string;
  claimed: string;
}

/** Per channel: charged and claimed sums of its vouchers (claimed = claimed or settled). */
export async function channelReport(env: DispatchEnv): Promise<ChannelLine[]> {
  const { results } = await env.DB.prepare(
    `SELECT channel_id AS channelId, pay_to AS payTo, SUM(amount_atomic) AS charged,
       SUM(CASE WHEN state = 'charged' THEN 0 ELSE amount_atomic END) AS claimed
     FROM vouchers GROUP BY channel_id, pay_to ORDER BY channel_id`,
  ).all<{ channelId: string; payTo: string; charged: number; claimed: number }>();
  return results.map((row) => ({ ...row, charged: String(row.charged), claimed: String(row.claimed) }));
}
