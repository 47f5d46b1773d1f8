import type { PaymentRecord, PaymentState } from "./payment-state.ts";

const COUNTED: readonly PaymentState[] = ["settled", "failed"];

/**
 * Copies finished payments from a payer ledger to D1 in one batch: the payment row (upsert) and,
 * the first time a payment reaches settled or failed, its hour's usage roll-up. Idempotent per
 * state, so a retried alarm cannot count a call twice.
 */
export async function exportToD1(
  db: D1Database,
  records: readonly PaymentRecord[],
  previouslyExported: readonly (PaymentState | null)[],
): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (const [index, record] of records.entries()) {
    statements.push(
      db
        .prepare(
          `INSERT INTO payments (id, api_slug, payer, nonce, pay_to, amount_atomic, network, asset, state, tx_hash,
             response_status, latency_ms, error, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET state = excluded.state, tx_hash = excluded.tx_hash,
             response_status = excluded.response_status, latency_ms = excluded.latency_ms,
             error = excluded.error, updated_at = excluded.updated_at`,
        )
        .bind(
          record.id,
          record.apiSlug,
          record.payer,
          record.nonce,
          record.payTo,
          Number(record.amount),
          record.network,
          record.asset,
          record.state,
          record.txHash,
          record.responseStatus,
          record.latencyMs,
          record.error,
          record.createdAt,
          record.updatedAt,
        ),
    );
    const before = previouslyExported[index] ?? null;
    if (COUNTED.includes(record.state) && !(before && COUNTED.includes(before))) {
      const settled = record.state === "settled";
      statements.push(
        db
          .prepare(
            `INSERT INTO usage (api_slug, hour, calls, paid_calls, failed_calls, revenue_atomic) VALUES (?, ?, 1, ?, ?, ?)
             ON CONFLICT (api_slug, hour) DO UPDATE SET calls = calls + 1, paid_calls = paid_calls + excluded.paid_calls,
               failed_calls = failed_calls + excluded.failed_calls, revenue_atomic = revenue_atomic + excluded.revenue_atomic`,
          )
          .bind(
            record.apiSlug,
            Math.floor(record.createdAt / 3_600_000) * 3600,
            settled ? 1 : 0,
            settled ? 0 : 1,
            settled ? Number(record.amount) : 0,
          ),
      );
    }
  }
  if (statements.length) await db.batch(statements);
}
