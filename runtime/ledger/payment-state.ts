/** Where a payment is; each state is written before the step that follows it (DESIGN.md money rules). */
export type PaymentState = "verified" | "served" | "settling" | "settled" | "failed" | "unknown";

/** Which states may follow which. `unknown` is left only by reconciliation against the chain. */
const NEXT: Record<PaymentState, readonly PaymentState[]> = {
  verified: ["served", "settling", "failed", "unknown"],
  served: ["settling", "failed", "unknown"],
  settling: ["settled", "failed", "unknown"],
  settled: [],
  failed: [],
  unknown: ["settled", "failed"],
};

/** Whether a ledger row may move from one state to another. */
export function canAdvance(from: PaymentState, to: PaymentState): boolean {
  return NEXT[from].includes(to);
}

/** Final states are copied to D1; `unknown` is copied too so reconciliation can find it. */
export const EXPORTED_STATES: readonly PaymentState[] = ["settled", "failed", "unknown"];

/** A payment as the ledger records it. Amounts are decimal strings of token units. */
export interface PaymentRecord {
  id: string;
  payer: string;
  nonce: string;
  apiSlug: string;
  payTo: string;
  amount: string;
  network: string;
  asset: string;
  state: PaymentState;
  settleMode: "after" | "before";
  validBefore: number;
  txHash: string | null;
  responseStatus: number | null;
  latencyMs: number | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  /**
   * When settlement was first requested (the row reached `settling`): only then may money have
   * moved, so only such a payment may ever be settled by reconciliation.
   */
  settlingAt: number | null;
}

/** What a claim needs: the verified authorization and the API it pays for. */
export interface ClaimInput {
  nonce: string;
  apiSlug: string;
  payTo: string;
  amount: string;
  network: string;
  asset: string;
  settleMode: "after" | "before";
  validBefore: number;
  /** The signed payload and its requirements, kept so an `unknown` outcome can be re-settled. */
  payloadJson: string;
}

export type ClaimResult = { claimed: true } | { claimed: false; state: PaymentState; apiSlug: string };

export interface AdvanceInput {
  state: PaymentState;
  txHash?: string | null;
  responseStatus?: number | null;
  latencyMs?: number | null;
  error?: string | null;
}

/** Outcome of a state change: RPC callers get a reason instead of an exception. */
export type AdvanceResult = { ok: true; record: PaymentRecord } | { ok: false; reason: string };
