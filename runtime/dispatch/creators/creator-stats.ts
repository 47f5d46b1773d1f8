import { CALL_ROWS_SQL } from "./call-rows.ts";
import type { OwnedApi } from "./owned-apis.ts";
import type { ApiStats, WindowName } from "./responses.ts";
import { type StateTotals, summarizePayouts, summarizeWindow } from "./stats-summary.ts";

const DAY_MS = 24 * 3_600_000;

/**
 * Earnings, usage and payouts of `apis` (from `ownedApis(db, owner, slug)`, same owner and slug)
 * out of D1's payments (exact payments and batch-settlement vouchers) and payouts.
 */
export async function creatorStats(
  db: D1Database,
  scope: { owner: string; slug?: string | undefined },
  apis: readonly OwnedApi[],
  now: number,
  platform: { wallet?: string | undefined; splitFactory?: string | undefined } = {},
): Promise<ApiStats[]> {
  if (apis.length === 0) return [];
  // A subquery rather than a list of slugs: D1 caps bound parameters per statement.
  const owned = "SELECT slug FROM apis WHERE lower(owner) = lower(?) AND (? IS NULL OR slug = ?)";
  const ownedParams = [scope.owner, scope.slug ?? null, scope.slug ?? null];
  const since24h = now - DAY_MS;
  const since7d = now - 7 * DAY_MS;
  // One pass over the payments: per API and state, all-time totals plus the two recent windows.
  const [payments, payouts] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT api_slug, state, COUNT(*) AS n, SUM(amount_atomic) AS amount,
           SUM(created_at >= ?) AS n24, SUM(CASE WHEN created_at >= ? THEN amount_atomic ELSE 0 END) AS amount24,
           SUM(created_at >= ?) AS n7, SUM(CASE WHEN created_at >= ? THEN amount_atomic ELSE 0 END) AS amount7
         FROM (${CALL_ROWS_SQL})
         WHERE api_slug IN (${owned}) GROUP BY api_slug, state`,
      )
      .bind(since24h, since24h, since7d, since7d, ...ownedParams),
    db
      .prepare(
        `SELECT api_slug, role, SUM(amount_atomic) AS amount FROM payouts
          WHERE api_slug IN (${owned}) AND status = 'confirmed' GROUP BY api_slug, role`,
      )
      .bind(...ownedParams),
  ]);
  const totals = new Map<string, Record<WindowName, StateTotals[]>>();
  for (const row of payments!.results) {
    const slug = String(row.api_slug);
    const perWindow = totals.get(slug) ?? { last24h: [], last7d: [], allTime: [] };
    const state = String(row.state);
    perWindow.allTime.push({ state, payments: Number(row.n), amount: BigInt(Number(row.amount ?? 0)) });
    perWindow.last7d.push({ state, payments: Number(row.n7), amount: BigInt(Number(row.amount7 ?? 0)) });
    perWindow.last24h.push({ state, payments: Number(row.n24), amount: BigInt(Number(row.amount24 ?? 0)) });
    totals.set(slug, perWindow);
  }
  const paid = new Map<string, { creator: bigint; platform: bigint }>();
  for (const row of payouts!.results) {
    const entry = paid.get(String(row.api_slug)) ?? { creator: 0n, platform: 0n };
    entry[row.role === "creator" ? "creator" : "platform"] += BigInt(Number(row.amount ?? 0));
    paid.set(String(row.api_slug), entry);
  }
  return apis.map((api) => {
    const perWindow = totals.get(api.slug) ?? { last24h: [], last7d: [], allTime: [] };
    const windows = {
      last24h: summarizeWindow(perWindow.last24h, api.platformFeeBps),
      last7d: summarizeWindow(perWindow.last7d, api.platformFeeBps),
      allTime: summarizeWindow(perWindow.allTime, api.platformFeeBps),
    };
    return {
      slug: api.slug,
      title: api.title,
      status: api.status,
      priceAtomic: api.priceAtomic,
      payTo: api.payTo,
      platformFeeBps: api.platformFeeBps,
      windows,
      payouts: summarizePayouts(
        paid.get(api.slug) ?? { creator: 0n, platform: 0n },
        BigInt(windows.allTime.revenue.creatorShare),
      ),
      split: {
        kind: api.splitKind,
        creator: api.owner,
        platform: platform.wallet ?? null,
        platformFeeBps: api.platformFeeBps,
        factory: api.splitKind === "local-payment-splitter" ? (platform.splitFactory ?? null) : null,
      },
    };
  });
}
