import type { LogLine } from "./responses.ts";

export const DEFAULT_LOG_LIMIT = 50;
export const MAX_LOG_LIMIT = 500;

/** An API's calls made after `since` (unix ms), newest first. */
export async function creatorLogs(
  db: D1Database,
  slug: string,
  since: number,
  limit: number,
): Promise<LogLine[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM (
         SELECT id, created_at, payer, state, response_status, amount_atomic, latency_ms, tx_hash, error
           FROM payments WHERE api_slug = ? AND created_at > ?
         UNION ALL
         -- batch-settlement vouchers: one per served call, its transaction once claimed or settled.
         SELECT channel_id || ':' || cumulative_atomic, created_at, payer, 'batch_' || state, NULL, amount_atomic,
           NULL, COALESCE(settle_tx, claim_tx), NULL
           FROM vouchers WHERE api_slug = ? AND created_at > ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(slug, since, slug, since, limit)
    .all<Record<string, unknown>>();
  return results.map((row) => ({
    id: String(row.id),
    createdAt: Number(row.created_at),
    time: new Date(Number(row.created_at)).toISOString(),
    payer: String(row.payer),
    state: String(row.state),
    responseStatus: row.response_status == null ? null : Number(row.response_status),
    amount: String(row.amount_atomic),
    latencyMs: row.latency_ms == null ? null : Number(row.latency_ms),
    txHash: row.tx_hash == null ? null : String(row.tx_hash),
    error: row.error == null ? null : String(row.error),
  }));
}
