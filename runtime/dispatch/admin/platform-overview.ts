import { summarizeWindow } from "../creators/stats-summary.ts";
import type { DispatchEnv } from "../env.ts";
import { ledgerReport } from "./ledger-report.ts";
import type { PlatformApiLine, PlatformOverview } from "./overview-response.ts";

/**
 * The platform's view of the ledger in D1: the same per-state sums as `/admin/ledger`, summed per
 * API by the same rules (`summarizeWindow`) that creators' stats use.
 */
export async function platformOverview(env: DispatchEnv, now: number): Promise<PlatformOverview> {
  const [lines, fees] = await Promise.all([
    ledgerReport(env),
    env.DB.prepare("SELECT slug, platform_fee_bps FROM apis").all<{
      slug: string;
      platform_fee_bps: number;
    }>(),
  ]);
  const feeOf = new Map(fees.results.map((row) => [row.slug, Number(row.platform_fee_bps ?? 0)]));
  const perApi = new Map<string, Array<{ state: string; payments: number; amount: bigint }>>();
  const perState = new Map<string, { payments: number; amount: bigint }>();
  for (const line of lines) {
    const amount = BigInt(line.amount === "null" ? 0 : line.amount);
    perApi.set(line.api, [
      ...(perApi.get(line.api) ?? []),
      { state: line.state, payments: line.payments, amount },
    ]);
    const state = perState.get(line.state) ?? { payments: 0, amount: 0n };
    perState.set(line.state, { payments: state.payments + line.payments, amount: state.amount + amount });
  }
  const topApis = [...perApi].map(([slug, totals]) => {
    const platformFeeBps = feeOf.get(slug) ?? 0;
    return { slug, platformFeeBps, ...summarizeWindow(totals, platformFeeBps) };
  });
  topApis.sort(
    (a, b) => Number(BigInt(b.revenue.gross) - BigInt(a.revenue.gross)) || a.slug.localeCompare(b.slug),
  );
  const sum = (pick: (line: PlatformApiLine) => bigint) =>
    String(topApis.reduce((total, line) => total + pick(line), 0n));
  return {
    generatedAt: new Date(now).toISOString(),
    totals: {
      gross: sum((line) => BigInt(line.revenue.gross)),
      platformFee: sum((line) => BigInt(line.revenue.platformFee)),
      creatorShare: sum((line) => BigInt(line.revenue.creatorShare)),
      paidCalls: topApis.reduce((total, line) => total + line.paidCalls, 0),
      failedCalls: topApis.reduce((total, line) => total + line.failedCalls, 0),
      unknownPayments: perState.get("unknown")?.payments ?? 0,
    },
    states: [...perState]
      .map(([state, value]) => ({ state, payments: value.payments, amount: String(value.amount) }))
      .sort((a, b) => a.state.localeCompare(b.state)),
    topApis,
  };
}
