import { DurableObject } from "cloudflare:workers";
import type { Channel } from "@x402/evm/batch-settlement/server";
import type { DispatchEnv } from "../dispatch/env.ts";
import { settlerConfig } from "../dispatch/payments/settler-config.ts";
import { dispatchSettings } from "../dispatch/settings.ts";
import { type SettlementRun, settleChannels } from "./batch-settler.ts";
import {
  ChannelStore,
  type ChannelStore as ChannelStoreType,
  type ChannelWrite,
  type ChargeInput,
  type StoredChannel,
  type VoucherRecord,
  type VoucherState,
} from "./channel-store.ts";
import { exportToD1 } from "./export-to-d1.ts";
import { exportVouchersToD1 } from "./export-vouchers.ts";
import {
  type AdvanceInput,
  type AdvanceResult,
  type ClaimInput,
  type ClaimResult,
  canAdvance,
  EXPORTED_STATES,
  type PaymentRecord,
  type PaymentState,
} from "./payment-state.ts";

/** The ledger runs in the dispatch script, with its bindings and settings. */
type LedgerEnv = DispatchEnv;

/** How long a payment may sit in verified/served/settling before it is presumed `unknown`. */
export const STALE_AFTER_MS = 2 * 60_000;
/** Batching delay for copying finished payments to D1, off the request path. */
export const EXPORT_DELAY_MS = 1_000;

/**
 * The payer ledger: one SQLite-backed Durable Object per payer address. Every payment state is
 * written here before the next step; single-threaded per payer, so replays of one signature
 * always meet the same object and the (payer, nonce) claim is atomic.
 */
export class PayerLedger extends DurableObject<LedgerEnv> {
  private readonly sql: SqlStorage;
  /** This payer's batch-settlement channels and the vouchers charged on them. */
  private readonly channels: ChannelStoreType;

  constructor(ctx: DurableObjectState, env: LedgerEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.channels = new ChannelStore(this.sql, (work) => ctx.storage.transactionSync(work));
    this.sql.exec("CREATE TABLE IF NOT EXISTS schedule (job TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS payments (
      nonce TEXT PRIMARY KEY, payer TEXT NOT NULL, api_slug TEXT NOT NULL, pay_to TEXT NOT NULL,
      amount TEXT NOT NULL, network TEXT NOT NULL, asset TEXT NOT NULL, state TEXT NOT NULL,
      settle_mode TEXT NOT NULL, valid_before INTEGER NOT NULL, payload_json TEXT NOT NULL,
      tx_hash TEXT, response_status INTEGER, latency_ms INTEGER, error TEXT,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      exported_state TEXT, exported INTEGER NOT NULL DEFAULT 1)`);
    addColumnIfMissing(this.sql, "payments", "settling_at", "INTEGER");
  }

  /** Claims (payer, nonce) for one service; a second claim of the same nonce is refused with its state. */
  claim(payer: string, input: ClaimInput): ClaimResult {
    const existing = this.sql
      .exec("SELECT state, api_slug FROM payments WHERE nonce = ?", input.nonce)
      .toArray()[0];
    if (existing)
      return { claimed: false, state: existing.state as PaymentState, apiSlug: String(existing.api_slug) };
    const now = Date.now();
    this.sql.exec(
      `INSERT INTO payments (nonce, payer, api_slug, pay_to, amount, network, asset, state, settle_mode, valid_before,
        payload_json, created_at, updated_at, exported) VALUES (?, ?, ?, ?, ?, ?, ?, 'verified', ?, ?, ?, ?, ?, 1)`,
      input.nonce,
      payer,
      input.apiSlug,
      input.payTo,
      input.amount,
      input.network,
      input.asset,
      input.settleMode,
      input.validBefore,
      input.payloadJson,
      now,
      now,
    );
    void this.scheduleAlarm(now + STALE_AFTER_MS);
    return { claimed: true };
  }

  /** Moves a payment to its next state, recording what that step learned; an illegal move changes nothing. */
  advance(nonce: string, input: AdvanceInput): AdvanceResult {
    const current = this.find(nonce);
    if (!current) return { ok: false, reason: `no payment with nonce ${nonce} in this ledger` };
    if (current.state !== input.state && !canAdvance(current.state, input.state)) {
      return { ok: false, reason: `payment ${nonce} cannot move from ${current.state} to ${input.state}` };
    }
    const now = Date.now();
    const exported = EXPORTED_STATES.includes(input.state) ? 0 : 1;
    this.sql.exec(
      `UPDATE payments SET state = ?, tx_hash = COALESCE(?, tx_hash), response_status = COALESCE(?, response_status),
        latency_ms = COALESCE(?, latency_ms), error = COALESCE(?, error), updated_at = ?,
        settling_at = CASE WHEN ? = 'settling' THEN COALESCE(settling_at, ?) ELSE settling_at END,
        exported = CASE WHEN ? = 0 THEN 0 ELSE exported END WHERE nonce = ?`,
      input.state,
      input.txHash ?? null,
      input.responseStatus ?? null,
      input.latencyMs ?? null,
      input.error ?? null,
      now,
      input.state,
      now,
      exported,
      nonce,
    );
    if (exported === 0) void this.scheduleAlarm(now + EXPORT_DELAY_MS);
    return { ok: true, record: this.find(nonce)! };
  }

  /**
   * Several consecutive steps in one call (e.g. served, then settling): each is still written in
   * order before the next, and the caller pays one round trip instead of one per step.
   */
  advanceThrough(nonce: string, steps: readonly AdvanceInput[]): AdvanceResult {
    let result: AdvanceResult = { ok: false, reason: "no steps given" };
    for (const step of steps) {
      result = this.advance(nonce, step);
      if (!result.ok) return result;
    }
    return result;
  }

  /** One payment, or null. */
  find(nonce: string): PaymentRecord | null {
    const row = this.sql.exec("SELECT * FROM payments WHERE nonce = ?", nonce).toArray()[0];
    return row ? toRecord(row) : null;
  }

  /** The signed payload of a payment (for re-settling an `unknown` outcome with the same authorization). */
  payload(nonce: string): string | null {
    const row = this.sql.exec("SELECT payload_json FROM payments WHERE nonce = ?", nonce).toArray()[0];
    return row ? String(row.payload_json) : null;
  }

  /** Recent payments, newest first. */
  list(limit = 100): PaymentRecord[] {
    return this.sql
      .exec("SELECT * FROM payments ORDER BY created_at DESC LIMIT ?", limit)
      .toArray()
      .map(toRecord);
  }

  /** A batch-settlement channel with its version (the gateway's compare-and-set reads this). */
  channelRead(channelId: string): StoredChannel | null {
    return this.channels.read(channelId);
  }

  /** Every channel of this payer. */
  channelList(): Channel[] {
    return this.channels.list();
  }

  /**
   * Compare-and-set of one channel (see ChannelStore.write). A charge schedules the claim; a payer's
   * timed withdrawal, seen on chain, has outstanding vouchers claimed at once, before it can finish.
   */
  async channelWrite(
    channelId: string,
    version: number,
    next: Channel | null,
    charge?: ChargeInput,
  ): Promise<ChannelWrite> {
    const written = this.channels.write(channelId, version, next, charge);
    if (!written.ok) return written;
    const now = Date.now();
    if (version === 0 && next) {
      // A new channel is made known to the platform before its first voucher can be charged.
      await this.env.DB.prepare(
        "INSERT OR IGNORE INTO payer_channels (channel_id, payer, pay_to, created_at) VALUES (?, ?, ?, ?)",
      )
        .bind(
          channelId.toLowerCase(),
          next.channelConfig.payer.toLowerCase(),
          next.channelConfig.receiver,
          now,
        )
        .run();
    }
    if (next && next.withdrawRequestedAt > 0) this.schedule("claim", now);
    if (charge) {
      const settings = dispatchSettings(this.env);
      this.schedule("claim", now + settings.settleIntervalSeconds * 1000);
      // Idle counts from the last charge: a later charge moves the refund later (not the earliest).
      this.schedule("refund", now + settings.refundIdleSeconds * 1000, "latest");
      this.schedule("export", now + EXPORT_DELAY_MS);
    }
    return written;
  }

  /**
   * Channels owing vouchers not yet claimed, with their versions (a cross-payer claim writes them
   * by compare-and-set); with `chargedBefore`, only those owing a voucher charged by then.
   */
  channelsToClaim(chargedBefore?: number): StoredChannel[] {
    return this.channels.outstanding(chargedBefore);
  }

  /** Records a claim made outside this ledger (a cross-payer batch): vouchers up to `totalClaimed`, by `transaction`. */
  async recordClaim(channelId: string, totalClaimed: string, transaction: string): Promise<number> {
    const claimed = this.channels.markClaimed(channelId, totalClaimed, transaction);
    await this.exportVouchers();
    return claimed;
  }

  /** Receivers (API splits) this payer's claimed, unsettled vouchers are waiting on. */
  claimedReceivers(): string[] {
    return this.channels.claimedReceivers().map((receiver) => receiver.payTo);
  }

  /** Records that `transaction` settled every claimed voucher paid to `payTo` (one settle serves all payers). */
  async markSettled(payTo: string, transaction: string): Promise<number> {
    const settled = this.channels.markSettled(payTo, transaction);
    await this.exportVouchers();
    return settled;
  }

  /** This payer's charged vouchers, oldest first (all states, or one). */
  vouchers(state?: VoucherState): VoucherRecord[] {
    return this.channels.vouchers(state);
  }

  /**
   * Claims every outstanding voucher and settles each receiver now (`402claw settle`, a withdrawal,
   * the schedule); idle channels are refunded when `refundIdle` says so.
   */
  async settleNow(refundIdle = false, settle = true): Promise<SettlementRun> {
    const settings = dispatchSettings(this.env);
    const config = settlerConfig(this.env);
    if (!config)
      return { claims: [], settles: [], refunds: [], errors: ["RECEIVER_AUTHORIZER_KEY is not set"] };
    const run = await settleChannels(this.channels, config, {
      ...(refundIdle ? { refundIdleSeconds: settings.refundIdleSeconds } : {}),
      settle,
    });
    // Failed steps are retried on the next run.
    if (run.errors.length) this.schedule("claim", Date.now() + settings.settleIntervalSeconds * 1000);
    // What moved on chain reaches D1 before this returns, so the ledger report agrees with the chain.
    await this.exportVouchers();
    return run;
  }

  /**
   * Finishes payments stuck mid-flight (a crash between steps) as of `now`. One that never reached
   * `settling` was never sent for settlement, so it is `failed` and can never be charged; one that
   * did may have moved money, so it becomes `unknown` for reconciliation against the chain.
   */
  sweepStale(now = Date.now()): number {
    const stuck = this.sql
      .exec(
        "SELECT nonce, settling_at FROM payments WHERE state IN ('verified', 'served', 'settling') AND updated_at < ?",
        now - STALE_AFTER_MS,
      )
      .toArray();
    for (const row of stuck) {
      const sentForSettlement = row.settling_at != null;
      this.advance(
        String(row.nonce),
        sentForSettlement
          ? { state: "unknown", error: "no settlement outcome recorded in time" }
          : { state: "failed", error: "not charged: no outcome recorded before settlement was requested" },
      );
    }
    return stuck.length;
  }

  /**
   * Off the request path: stuck payments are finished (see `sweepStale`), and finished payments
   * are copied to D1 in one batch.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sweepStale(now);
    await this.runDueBatchJobs(now);
    const pending = this.sql.exec("SELECT * FROM payments WHERE exported = 0 LIMIT 200").toArray();
    if (pending.length) {
      const records = pending.map(toRecord);
      await exportToD1(
        this.env.DB,
        records,
        pending.map((row) => (row.exported_state as PaymentState | null) ?? null),
      );
      for (const record of records) {
        this.sql.exec(
          "UPDATE payments SET exported = 1, exported_state = ? WHERE nonce = ? AND updated_at = ?",
          record.state,
          record.nonce,
          record.updatedAt,
        );
      }
    }
    const open = this.sql
      .exec(
        "SELECT COUNT(*) AS n FROM payments WHERE exported = 0 OR state IN ('verified', 'served', 'settling')",
      )
      .one();
    if (Number(open.n) > 0) await this.scheduleAlarm(now + EXPORT_DELAY_MS);
    const next = this.sql.exec("SELECT MIN(due_at) AS at FROM schedule").one().at;
    if (next != null) await this.scheduleAlarm(Number(next));
  }

  /** Claims/settlement and refunds whose time has come, then vouchers changed since the last copy to D1. */
  private async runDueBatchJobs(now: number): Promise<void> {
    const due = (job: string) => {
      const row = this.sql.exec("SELECT due_at FROM schedule WHERE job = ?", job).toArray()[0];
      if (!row || Number(row.due_at) > now) return false;
      this.sql.exec("DELETE FROM schedule WHERE job = ?", job);
      return true;
    };
    const claim = due("claim");
    const refund = due("refund");
    if (claim || refund) {
      const run = await this.settleNow(refund);
      for (const error of run.errors) console.error(`batch settlement: ${error}`);
    }
    if (refund) {
      // Channels still holding funds are looked at again once they have been idle long enough.
      const idleMs = dispatchSettings(this.env).refundIdleSeconds * 1000;
      const funded = this.channels.list().filter((channel) => BigInt(channel.balance) > 0n);
      const lastUse = Math.min(...funded.map((channel) => channel.lastRequestTimestamp));
      if (funded.length) this.schedule("refund", Math.max(lastUse + idleMs, now + 60_000));
    }
    if (due("export")) await this.exportVouchers();
  }

  /** Copies every voucher changed since its last copy to D1, in batches. */
  private async exportVouchers(): Promise<void> {
    for (
      let changed = this.channels.unexported(200);
      changed.length;
      changed = this.channels.unexported(200)
    ) {
      await exportVouchersToD1(this.env.DB, changed);
      this.channels.markExported(changed);
    }
  }

  /** Keeps the earliest (or latest) due time of a job and makes sure the alarm fires by then. */
  private schedule(
    job: "claim" | "refund" | "export",
    at: number,
    keep: "earliest" | "latest" = "earliest",
  ): void {
    this.sql.exec(
      `INSERT INTO schedule (job, due_at) VALUES (?, ?)
       ON CONFLICT (job) DO UPDATE SET due_at = ${keep === "latest" ? "MAX" : "MIN"}(due_at, excluded.due_at)`,
      job,
      at,
    );
    void this.scheduleAlarm(at);
  }

  private async scheduleAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}

function toRecord(row: Record<string, SqlStorageValue>): PaymentRecord {
  return {
    id: `${row.payer}:${row.nonce}`,
    payer: String(row.payer),
    nonce: String(row.nonce),
    apiSlug: String(row.api_slug),
    payTo: String(row.pay_to),
    amount: String(row.amount),
    network: String(row.network),
    asset: String(row.asset),
    state: row.state as PaymentState,
    settleMode: row.settle_mode === "before" ? "before" : "after",
    validBefore: Number(row.valid_before),
    txHash: row.tx_hash == null ? null : String(row.tx_hash),
    responseStatus: row.response_status == null ? null : Number(row.response_status),
    latencyMs: row.latency_ms == null ? null : Number(row.latency_ms),
    error: row.error == null ? null : String(row.error),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    settlingAt: row.settling_at == null ? null : Number(row.settling_at),
  };
}

/** SQLite has no ADD COLUMN IF NOT EXISTS: ledgers created by an older version gain the column here. */
function addColumnIfMissing(sql: SqlStorage, table: string, column: string, type: string): void {
  const columns = sql.exec(`PRAGMA table_info(${table})`).toArray();
  if (!columns.some((info) => info.name === column))
    sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
