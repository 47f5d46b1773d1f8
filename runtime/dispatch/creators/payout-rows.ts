import type { PayoutRow } from "./responses.ts";

export const DEFAULT_PAYOUT_LIMIT = 20;
export const MAX_PAYOUT_LIMIT = 200;

const COLUMNS = "id, api_slug, recipient, role, amount_atomic, tx_hash, status, created_at, confirmed_at";

/** An API's recorded payouts, newest first (what the dashboard lists under Payouts). */
export async function latestPayouts(db: D1Database, slug: string, limit: number): Promise<PayoutRow[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM payouts WHERE api_slug = ? ORDER BY id DESC LIMIT ?`)
    .bind(slug, limit)
    .all<Record<string, unknown>>();
  return results.map(payoutRow);
}

/** The payouts that `txHashes` recorded for an API, in the order they were recorded. */
export async function payoutsOf(
  db: D1Database,
  slug: string,
  txHashes: readonly string[],
): Promise<PayoutRow[]> {
  if (txHashes.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM payouts
        WHERE api_slug = ? AND tx_hash IN (${txHashes.map(() => "?").join(", ")}) ORDER BY id`,
    )
    .bind(slug, ...txHashes)
    .all<Record<string, unknown>>();
  return results.map(payoutRow);
}

function payoutRow(row: Record<string, unknown>): PayoutRow {
  return {
    id: Number(row.id),
    apiSlug: String(row.api_slug),
    recipient: String(row.recipient),
    role: row.role === "creator" ? "creator" : "platform",
    amount: String(row.amount_atomic),
    txHash: String(row.tx_hash),
    status: String(row.status),
    createdAt: Number(row.created_at),
    confirmedAt: row.confirmed_at == null ? null : Number(row.confirmed_at),
  };
}
