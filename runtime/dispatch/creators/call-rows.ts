/**
 * Every charged call as one row source (api_slug, state, amount_atomic, created_at): exact payments
 * and batch-settlement vouchers alike, so the stats, the chart and the ledger count the same calls.
 * A voucher is `settled` once its claim is settled into the API's split; before that it is owed, as
 * `batch_charged` or `batch_claimed` (the stats count those as unsettled).
 */
export const CALL_ROWS_SQL = `SELECT api_slug, state, amount_atomic, created_at FROM payments
  UNION ALL
  SELECT api_slug, CASE state WHEN 'settled' THEN 'settled' ELSE 'batch_' || state END, amount_atomic, created_at
    FROM vouchers`;
