import type { Channel, ChannelStorage, ChannelUpdateResult } from "@x402/evm/batch-settlement/server";
import type {
  ChannelWrite,
  ChargeInput,
  StoredChannel,
  VoucherRecord,
  VoucherState,
} from "./channel-types.ts";

export type { ChannelWrite, ChargeInput, StoredChannel, VoucherRecord, VoucherState };

/**
 * Payment channels of one payer in the payer ledger's SQLite (batch-settlement's server state).
 * Every change is a compare-and-set on the row's version, so the gateway's storage (one RPC per
 * write) and the ledger's own claimer cannot overwrite each other. A change that raises the
 * channel's charged total records the voucher it charged in the same transaction.
 */
export class ChannelStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(work: () => T) => T,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS channels (
      channel_id TEXT PRIMARY KEY, payer TEXT NOT NULL, record_json TEXT NOT NULL,
      version INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS vouchers (
      channel_id TEXT NOT NULL, cumulative INTEGER NOT NULL, amount INTEGER NOT NULL, payer TEXT NOT NULL,
      api_slug TEXT NOT NULL, pay_to TEXT NOT NULL, network TEXT NOT NULL, asset TEXT NOT NULL,
      state TEXT NOT NULL, claim_tx TEXT, settle_tx TEXT, created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL, exported INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (channel_id, cumulative))`);
    sql.exec("CREATE INDEX IF NOT EXISTS idx_vouchers_state ON vouchers(state, pay_to)");
  }

  /** One channel with its version, or null. */
  read(channelId: string): StoredChannel | null {
    const row = this.sql
      .exec("SELECT record_json, version FROM channels WHERE channel_id = ?", key(channelId))
      .toArray()[0];
    return row ? { channel: JSON.parse(String(row.record_json)), version: Number(row.version) } : null;
  }

  /**
   * Channels with charged vouchers not yet claimed on chain, with their versions; with
   * `chargedBefore`, only those whose oldest unclaimed voucher is that old (or whose payer has
   * started a withdrawal: those are always due).
   */
  outstanding(chargedBefore = Number.POSITIVE_INFINITY): StoredChannel[] {
    const oldest = new Map(
      this.sql
        .exec(
          "SELECT channel_id, MIN(created_at) AS oldest FROM vouchers WHERE state = 'charged' GROUP BY channel_id",
        )
        .toArray()
        .map((row) => [String(row.channel_id), Number(row.oldest)]),
    );
    return this.sql
      .exec("SELECT channel_id, record_json, version FROM channels ORDER BY channel_id")
      .toArray()
      .map((row) => ({
        channel: JSON.parse(String(row.record_json)) as Channel,
        version: Number(row.version),
        oldest: oldest.get(String(row.channel_id)) ?? 0,
      }))
      .filter(({ channel }) => BigInt(channel.chargedCumulativeAmount) > BigInt(channel.totalClaimed))
      .filter(({ channel, oldest }) => oldest <= chargedBefore || channel.withdrawRequestedAt > 0)
      .map(({ channel, version }) => ({ channel, version }));
  }

  /** Every channel of this payer. */
  list(): Channel[] {
    return this.sql
      .exec("SELECT record_json FROM channels ORDER BY channel_id")
      .toArray()
      .map((row) => JSON.parse(String(row.record_json)) as Channel);
  }

  /**
   * Writes `next` (null deletes) if the channel is still at `expectedVersion` (0: absent). When the
   * write raises the charged total of an existing channel, the difference is one charged voucher
   * for `charge`'s API, recorded in the same transaction; a raise with no `charge` is refused.
   */
  write(
    channelId: string,
    expectedVersion: number,
    next: Channel | null,
    charge?: ChargeInput,
  ): ChannelWrite {
    return this.transaction((): ChannelWrite => {
      const current = this.read(channelId);
      if ((current?.version ?? 0) !== expectedVersion) return { ok: false, current };
      const raised = current && next ? chargedRaise(current.channel, next) : 0n;
      if (raised > 0n && !charge)
        return { ok: false, current, refused: `channel ${channelId}: a charge needs the API it paid for` };
      const now = Date.now();
      const version = expectedVersion + 1;
      if (!next) {
        this.sql.exec("DELETE FROM channels WHERE channel_id = ?", key(channelId));
      } else {
        this.sql.exec(
          `INSERT INTO channels (channel_id, payer, record_json, version, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (channel_id) DO UPDATE SET record_json = excluded.record_json,
             version = excluded.version, updated_at = excluded.updated_at`,
          key(channelId),
          next.channelConfig.payer.toLowerCase(),
          JSON.stringify(next),
          version,
          now,
        );
      }
      if (raised > 0n && next && charge) {
        this.sql.exec(
          `INSERT INTO vouchers (channel_id, cumulative, amount, payer, api_slug, pay_to, network, asset, state,
             created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'charged', ?, ?)`,
          key(channelId),
          Number(next.chargedCumulativeAmount),
          Number(raised),
          next.channelConfig.payer.toLowerCase(),
          charge.apiSlug,
          charge.payTo,
          charge.network,
          charge.asset,
          now,
          now,
        );
      }
      return { ok: true, version };
    });
  }

  /** Marks a channel's charged vouchers up to `totalClaimed` as claimed by `transaction`. */
  markClaimed(channelId: string, totalClaimed: string, transaction: string): number {
    return this.sql.exec(
      `UPDATE vouchers SET state = 'claimed', claim_tx = ?, updated_at = ?, exported = 0
       WHERE channel_id = ? AND state = 'charged' AND cumulative <= ?`,
      transaction,
      Date.now(),
      key(channelId),
      Number(totalClaimed),
    ).rowsWritten;
  }

  /** Marks every claimed voucher paid to `payTo` as settled by `transaction` (settle moves all claimed funds). */
  markSettled(payTo: string, transaction: string): number {
    return this.sql.exec(
      `UPDATE vouchers SET state = 'settled', settle_tx = ?, updated_at = ?, exported = 0
       WHERE state = 'claimed' AND lower(pay_to) = lower(?)`,
      transaction,
      Date.now(),
      payTo,
    ).rowsWritten;
  }

  /** Receivers (API splits) holding claimed but unsettled vouchers. */
  claimedReceivers(): Array<{ payTo: string; asset: string; network: string }> {
    return this.sql
      .exec("SELECT DISTINCT pay_to, asset, network FROM vouchers WHERE state = 'claimed'")
      .toArray()
      .map((row) => ({ payTo: String(row.pay_to), asset: String(row.asset), network: String(row.network) }));
  }

  /** Vouchers in a state (all states when omitted), oldest first. */
  vouchers(state?: VoucherState, limit = 1000): VoucherRecord[] {
    const rows = state
      ? this.sql.exec("SELECT * FROM vouchers WHERE state = ? ORDER BY created_at LIMIT ?", state, limit)
      : this.sql.exec("SELECT * FROM vouchers ORDER BY created_at LIMIT ?", limit);
    return rows.toArray().map(toVoucher);
  }

  /** Vouchers changed since they were last copied to D1. */
  unexported(limit: number): VoucherRecord[] {
    return this.sql
      .exec("SELECT * FROM vouchers WHERE exported = 0 ORDER BY updated_at LIMIT ?", limit)
      .toArray()
      .map(toVoucher);
  }

  /** Records that these vouchers reached D1 as they were (a later change exports again). */
  markExported(records: readonly VoucherRecord[]): void {
    for (const record of records)
      this.sql.exec(
        "UPDATE vouchers SET exported = 1 WHERE channel_id = ? AND cumulative = ? AND updated_at = ?",
        key(record.channelId),
        Number(record.cumulative),
        record.updatedAt,
      );
  }
}

/**
 * The SDK's `ChannelStorage` inside the payer ledger itself (its claimer and refunds): the Durable
 * Object runs one thing at a time and SQLite calls are synchronous, so read-modify-write is atomic.
 */
export class LedgerChannelStorage implements ChannelStorage {
  constructor(private readonly store: ChannelStore) {}

  async get(channelId: string): Promise<Channel | undefined> {
    return this.store.read(channelId)?.channel;
  }

  async list(): Promise<Channel[]> {
    return this.store.list();
  }

  async updateChannel(
    channelId: string,
    update: (current: Channel | undefined) => Channel | undefined,
  ): Promise<ChannelUpdateResult> {
    const stored = this.store.read(channelId);
    const next = update(stored?.channel);
    if (next === stored?.channel) return { channel: stored?.channel, status: "unchanged" };
    const written = this.store.write(channelId, stored?.version ?? 0, next ?? null);
    if (!written.ok)
      throw new Error(
        "refused" in written ? written.refused : `channel ${channelId} changed during an update`,
      );
    if (!next) return { channel: undefined, status: stored ? "deleted" : "unchanged" };
    return { channel: next, status: "updated" };
  }
}

/** How much a write raises an existing channel's charged total (0 if it does not). */
export function chargedRaise(current: Channel, next: Channel): bigint {
  const raise = BigInt(next.chargedCumulativeAmount) - BigInt(current.chargedCumulativeAmount);
  return raise > 0n ? raise : 0n;
}

function key(channelId: string): string {
  return channelId.toLowerCase();
}

function toVoucher(row: Record<string, SqlStorageValue>): VoucherRecord {
  return {
    channelId: String(row.channel_id),
    payer: String(row.payer),
    cumulative: String(row.cumulative),
    amount: String(row.amount),
    apiSlug: String(row.api_slug),
    payTo: String(row.pay_to),
    network: String(row.network),
    asset: String(row.asset),
    state: row.state as VoucherState,
    claimTx: row.claim_tx == null ? null : String(row.claim_tx),
    settleTx: row.settle_tx == null ? null : String(row.settle_tx),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
