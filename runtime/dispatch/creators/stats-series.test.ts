import { Log, LogLevel, Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../../core/migrations/apply-migrations.ts";
import { d1BindingRunner } from "../../../core/migrations/d1-binding-runner.ts";
import { readMigrations } from "../../../core/migrations/read-migrations.ts";
import { REPO_ROOT } from "../../../local/paths.ts";
import { creatorStats } from "./creator-stats.ts";
import type { OwnedApi } from "./owned-apis.ts";
import { BUCKETS, statsSeries } from "./stats-series.ts";

// The chart's series and the stats table count the same calls, on a real D1 with the real
// migrations: exact payments and batch-settlement vouchers (charged, claimed and settled).

const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const HOUR = BUCKETS.hour.ms;
const NOW = Math.floor(Date.UTC(2026, 10, 30, 12) / HOUR) * HOUR + 30 * 60_000;
const api: OwnedApi = {
  slug: "metered",
  title: "Metered",
  status: "active",
  owner: OWNER,
  priceAtomic: "1000",
  payTo: "0x00000000000000000000000000000000000000aa",
  platformFeeBps: 1000,
  splitKind: "local-payment-splitter",
};
let mf: Miniflare;
let db: D1Database;

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 404 }); } };",
    d1Databases: { DB: "stats-series-test" },
    cf: false,
    log: new Log(LogLevel.WARN),
  });
  db = (await mf.getD1Database("DB")) as unknown as D1Database;
  await applyMigrations(d1BindingRunner(db), readMigrations(`${REPO_ROOT}/runtime/migrations`));
  await db.batch([
    db.prepare("INSERT INTO creators (address) VALUES (?)").bind(OWNER),
    db
      .prepare(
        `INSERT INTO apis (slug, title, description, kind, owner, price_usd, price_atomic, pay_to, worker_name,
           content_hash, platform_fee_bps, split_kind) VALUES (?, 'Metered', '', 'function', ?, '$0.001', 1000, ?, 'w', 'h', 1000, ?)`,
      )
      .bind(api.slug, OWNER, api.payTo, api.splitKind),
    payment("p1", "settled", 1000, NOW - 2 * HOUR),
    payment("p2", "settled", 1000, NOW - 10 * 60_000),
    payment("p3", "failed", 1000, NOW - 5 * 60_000),
    voucher(1000, "settled", 1000, NOW - 2 * HOUR),
    voucher(3000, "settled", 2000, NOW - 20 * 60_000),
    voucher(3500, "claimed", 500, NOW - 15 * 60_000),
    voucher(4500, "charged", 1000, NOW - 60_000),
  ]);
});

afterAll(async () => {
  await mf?.dispose();
});

function payment(nonce: string, state: string, amount: number, at: number) {
  return db
    .prepare(
      `INSERT INTO payments (id, api_slug, payer, nonce, pay_to, amount_atomic, network, asset, state, created_at, updated_at)
       VALUES (?, ?, '0xpayer', ?, ?, ?, 'eip155:31337', '0xasset', ?, ?, ?)`,
    )
    .bind(`0xpayer:${nonce}`, api.slug, nonce, api.payTo, amount, state, at, at);
}

function voucher(cumulative: number, state: string, amount: number, at: number) {
  return db
    .prepare(
      `INSERT INTO vouchers (channel_id, cumulative_atomic, api_slug, payer, pay_to, amount_atomic, network, asset,
         state, created_at, updated_at) VALUES ('0xchannel', ?, ?, '0xpayer', ?, ?, 'eip155:31337', '0xasset', ?, ?, ?)`,
    )
    .bind(cumulative, api.slug, api.payTo, amount, state, at, at);
}

describe("statsSeries", () => {
  it("counts settled vouchers as paid calls and owed ones as unsettled, per bucket", async () => {
    const points = await statsSeries(db, api, "hour", NOW);
    const at = (start: number) => points.find((point) => point.start === start)!;
    const thisHour = at(Math.floor(NOW / HOUR) * HOUR);
    expect(thisHour).toMatchObject({
      calls: 5,
      paidCalls: 2,
      failedCalls: 1,
      unsettled: { payments: 2, amount: "1500" },
      revenue: { gross: "3000", platformFee: "300", creatorShare: "2700" },
    });
    expect(at(Math.floor((NOW - 2 * HOUR) / HOUR) * HOUR)).toMatchObject({
      paidCalls: 2,
      revenue: { gross: "2000" },
    });
  });

  it("adds up to the stats table's numbers for the same window", async () => {
    const [stats] = await creatorStats(db, { owner: OWNER }, [api], NOW);
    for (const bucket of ["hour", "day"] as const) {
      const points = await statsSeries(db, api, bucket, NOW);
      const sum = (pick: (point: (typeof points)[number]) => number | bigint) =>
        points.reduce((total, point) => total + BigInt(pick(point)), 0n);
      expect(sum((point) => point.paidCalls)).toBe(BigInt(stats!.windows.allTime.paidCalls));
      expect(sum((point) => BigInt(point.revenue.gross))).toBe(BigInt(stats!.windows.allTime.revenue.gross));
      expect(sum((point) => point.unsettled.payments)).toBe(
        BigInt(stats!.windows.allTime.unsettled.payments),
      );
    }
    expect(stats!.windows.allTime).toMatchObject({ paidCalls: 4, revenue: { gross: "5000" } });
  });

  it("names each API's split terms, and the factory only where the SDK does not know it", async () => {
    const platform = {
      wallet: "0x00000000000000000000000000000000000000bb",
      splitFactory: "0x00000000000000000000000000000000000000cc",
    };
    const [local] = await creatorStats(db, { owner: OWNER }, [api], NOW, platform);
    expect(local!.split).toEqual({
      kind: "local-payment-splitter",
      creator: OWNER,
      platform: platform.wallet,
      platformFeeBps: 1000,
      factory: platform.splitFactory,
    });
    const [zeroX] = await creatorStats(
      db,
      { owner: OWNER },
      [{ ...api, splitKind: "0xsplits-v2" }],
      NOW,
      platform,
    );
    expect(zeroX!.split.factory).toBeNull();
  });
});
