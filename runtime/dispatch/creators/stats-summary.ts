/** Basis points in a whole (10000 = 100%), as the splits count them. */
const BPS_TOTAL = 10_000n;

/** Payments of one API in one state within one window, as SQL groups them. Amount in token units. */
export interface StateTotals {
  state: string;
  payments: number;
  amount: bigint;
}

/** What one API earned in one time window; amounts are decimal strings of token units. */
export interface WindowStats {
  /** Every call that carried a verified payment (paid, failed or not yet settled). */
  calls: number;
  /** Calls whose payment settled on chain. */
  paidCalls: number;
  /** Calls that were not charged (the API answered ≥ 400, or settlement failed). */
  failedCalls: number;
  /** Payments whose outcome is not known yet (e.g. the facilitator timed out); reconciled against the chain. */
  unsettled: { payments: number; amount: string };
  revenue: { gross: string; platformFee: string; creatorShare: string };
}

/** The creator's and the platform's shares of settled revenue under a fee in basis points. */
export function splitRevenue(
  gross: bigint,
  platformFeeBps: number,
): { platformFee: bigint; creatorShare: bigint } {
  const bps = BigInt(platformFeeBps);
  if (bps < 0n || bps > BPS_TOTAL)
    throw new RangeError(`platform fee ${platformFeeBps} bps is outside 0..10000`);
  // Both splitters (PaymentSplitter, 0xSplits) round each recipient's share down from the total
  // received, so each share is floored here too; at most one unit of dust stays in the split.
  return {
    platformFee: (gross * bps) / BPS_TOTAL,
    creatorShare: (gross * (BPS_TOTAL - bps)) / BPS_TOTAL,
  };
}

/**
 * States whose money is in the API's split: a settled exact payment, and a batch-settlement voucher
 * settled to the split (the ledger report names it `batch_settled`). Every other state but `failed`
 * is owed or not yet known.
 */
const SETTLED_STATES = new Set(["settled", "batch_settled"]);

/** Sums one API's per-state totals into the numbers a creator reads. */
export function summarizeWindow(totals: readonly StateTotals[], platformFeeBps: number): WindowStats {
  let calls = 0;
  let paidCalls = 0;
  let failedCalls = 0;
  let gross = 0n;
  const unsettled = { payments: 0, amount: 0n };
  for (const { state, payments, amount } of totals) {
    calls += payments;
    if (SETTLED_STATES.has(state)) {
      paidCalls += payments;
      gross += amount;
    } else if (state === "failed") {
      failedCalls += payments;
    } else {
      unsettled.payments += payments;
      unsettled.amount += amount;
    }
  }
  const { platformFee, creatorShare } = splitRevenue(gross, platformFeeBps);
  return {
    calls,
    paidCalls,
    failedCalls,
    unsettled: { payments: unsettled.payments, amount: String(unsettled.amount) },
    revenue: { gross: String(gross), platformFee: String(platformFee), creatorShare: String(creatorShare) },
  };
}

/** Payouts recorded for one API, and what the creator is still owed from settled revenue. */
export interface PayoutStats {
  creatorPaid: string;
  platformPaid: string;
  /** Creator share of all settled revenue not yet paid out (what a withdrawal would move, ± dust). */
  creatorUnpaid: string;
}

/** Combines recorded payouts with the all-time creator share. */
export function summarizePayouts(
  paid: { creator: bigint; platform: bigint },
  allTimeCreatorShare: bigint,
): PayoutStats {
  const unpaid = allTimeCreatorShare - paid.creator;
  return {
    creatorPaid: String(paid.creator),
    platformPaid: String(paid.platform),
    // Never negative: payouts recorded before their payments reached D1 must not read as a debt.
    creatorUnpaid: String(unpaid > 0n ? unpaid : 0n),
  };
}
