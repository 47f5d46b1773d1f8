import { CALL_ROWS_SQL } from "./call-rows.ts";
import type { OwnedApi } from "./owned-apis.ts";
import type { SeriesPoint } from "./responses.ts";
import { type StateTotals, summarizeWindow } from "./stats-summary.ts";

/** Bucket sizes the dashboard charts, and how far back each looks. */
export const BUCKETS = {
  hour: { ms: 3_600_000, count: 48 },
  day: { ms: 24 * 3_600_000, count: 30 },
} as const;
export type BucketName = keyof typeof BUCKETS;

/**
 * One API's calls and revenue per hour or day, oldest first, with empty buckets as zeros. Each
 * bucket is summed by `summarizeWindow` over the same calls (exact payments and vouchers), so the
 * chart adds up to what `402claw stats` reports.
 */
export async function statsSeries(
  db: D1Database,
  api: OwnedApi,
  bucket: BucketName,
  now: number,
): Promise<SeriesPoint[]> {
  const { ms, count } = BUCKETS[bucket];
  const first = Math.floor(now / ms) * ms - (count - 1) * ms;
  // D1 binds JS numbers as REAL: cast, or the division is not an integer one and nothing aligns.
  const { results } = await db
    .prepare(
      `SELECT (created_at / CAST(?1 AS INTEGER)) * CAST(?1 AS INTEGER) AS start, state, COUNT(*) AS n, SUM(amount_atomic) AS amount
         FROM (${CALL_ROWS_SQL}) WHERE api_slug = ?2 AND created_at >= ?3 GROUP BY start, state`,
    )
    .bind(ms, api.slug, first)
    .all<{ start: number; state: string; n: number; amount: number | null }>();
  const perBucket = new Map<number, StateTotals[]>();
  for (const row of results) {
    const totals = perBucket.get(Number(row.start)) ?? [];
    totals.push({ state: row.state, payments: Number(row.n), amount: BigInt(Number(row.amount ?? 0)) });
    perBucket.set(Number(row.start), totals);
  }
  return Array.from({ length: count }, (_, index) => {
    const start = first + index * ms;
    return { start, ...summarizeWindow(perBucket.get(start) ?? [], api.platformFeeBps) };
  });
}
