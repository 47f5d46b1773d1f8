const WEEK_MS = 7 * 24 * 3_600_000;

/** What anyone may see about an API's use: calls in the last 7 days and their median latency. */
export interface PublicStats {
  calls7d: number;
  p50LatencyMs: number | null;
}

/** Calls in the last 7 days per API (every paid call, whatever its outcome). */
export async function recentCallCounts(db: D1Database, now: number): Promise<Map<string, number>> {
  const { results } = await db
    .prepare("SELECT api_slug, COUNT(*) AS n FROM payments WHERE created_at >= ? GROUP BY api_slug")
    .bind(now - WEEK_MS)
    .all<{ api_slug: string; n: number }>();
  return new Map(results.map((row) => [row.api_slug, Number(row.n)]));
}

/** One API's public aggregates over the last 7 days; p50 is the lower median of served calls. */
export async function publicStats(db: D1Database, slug: string, now: number): Promise<PublicStats> {
  const since = now - WEEK_MS;
  const [count, median] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT COUNT(*) AS n FROM payments WHERE api_slug = ? AND created_at >= ?").bind(slug, since),
    db
      .prepare(
        `SELECT latency_ms FROM payments WHERE api_slug = ?1 AND created_at >= ?2 AND latency_ms IS NOT NULL
          ORDER BY latency_ms LIMIT 1 OFFSET (
            SELECT (COUNT(*) - 1) / 2 FROM payments WHERE api_slug = ?1 AND created_at >= ?2 AND latency_ms IS NOT NULL)`,
      )
      .bind(slug, since),
  ]);
  const latency = median!.results[0]?.latency_ms;
  return {
    calls7d: Number(count!.results[0]?.n ?? 0),
    p50LatencyMs: latency == null ? null : Number(latency),
  };
}
