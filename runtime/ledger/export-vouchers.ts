import type { VoucherRecord } from "./channel-store.ts";

/**
 * Copies charged vouchers from a payer ledger to D1 in one batch: the voucher row (upsert) and,
 * the first time D1 sees it, its hour's usage roll-up (a charged voucher is a paid call: the
 * creator's answer succeeded and the channel's total already includes it). Idempotent per voucher.
 */
export async function exportVouchersToD1(db: D1Database, records: readonly VoucherRecord[]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (const record of records) {
    statements.push(
      db
        .prepare(
          `INSERT INTO usage (api_slug, hour, calls, paid_calls, failed_calls, revenue_atomic)
           SELECT ?, ?, 1, 1, 0, ? WHERE NOT EXISTS
             (SELECT 1 FROM vouchers WHERE channel_id = ? AND cumulative_atomic = ?)
           ON CONFLICT (api_slug, hour) DO UPDATE SET calls = calls + 1, paid_calls = paid_calls + 1,
             revenue_atomic = revenue_atomic + excluded.revenue_atomic`,
        )
        .bind(
          record.apiSlug,
          Math.floor(record.createdAt / 3_600_000) * 3600,
          Number(record.amount),
          record.channelId,
          Number(record.cumulative),
        ),
      db
        .prepare(
          `INSERT INTO vouchers (channel_id, cumulative_atomic, api_slug, payer, pay_to, amount_atomic, network, asset,
             state, claim_tx, settle_tx, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (channel_id, cumulative_atomic) DO UPDATE SET state = excluded.state,
             claim_tx = excluded.claim_tx, settle_tx = excluded.settle_tx, updated_at = excluded.updated_at`,
        )
        .bind(
          record.channelId,
          Number(record.cumulative),
          record.apiSlug,
          record.payer,
          record.payTo,
          Number(record.amount),
          record.network,
          record.asset,
          record.state,
          record.claimTx,
          record.settleTx,
          record.createdAt,
          record.updatedAt,
        ),
    );
  }
  if (statements.length) await db.batch(statements);
}
