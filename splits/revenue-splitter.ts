import type { Account, Address, Hash } from "viem";
import type { SplitTerms } from "./split-terms.ts";

export type { SplitTerms } from "./split-terms.ts";

/** What one withdrawal did. A call with nothing due sends no transaction and says so. */
export interface WithdrawResult {
  txHashes: Hash[];
  /** Token units this call paid out of THIS API's split to the creator (what per-API accounting counts). */
  creatorPaid: bigint;
  /** Token units this call paid out of this API's split to the platform (both shares are paid together). */
  platformPaid: bigint;
  /**
   * Token units that reached the creator's wallet in this call. Equals `creatorPaid` for the local
   * stand-in; for 0xSplits pull splits it is the warehouse withdrawal, which also sweeps the creator's
   * earlier distributions from their other APIs and leaves 1 unit behind.
   */
  creatorWalletReceived: bigint;
  /** True when nothing was due to either recipient; `txHashes` may still hold a lazy deployment. */
  nothingToWithdraw: boolean;
  /** One line for the CLI, e.g. "paid 9.000000 to 0x…" or "nothing to withdraw: …". */
  message: string;
}

/**
 * The revenue-split boundary: one split contract per API whose address is the API's x402 `payTo`.
 * Production uses 0xSplits v2; the local chain uses an OpenZeppelin PaymentSplitter stand-in.
 */
export interface RevenueSplitter {
  readonly kind: "0xsplits-v2" | "local-payment-splitter";
  /**
   * Most token units per split that may be neither paid out nor in `balance` (rounding the
   * splitter keeps elsewhere); the consistency check's tolerance.
   */
  readonly dustTolerance: bigint;
  /** The split's address, deterministic from the terms; usable as `payTo` before the split exists. */
  predictAddress(terms: SplitTerms): Promise<Address>;
  /** Whether the split contract is on chain yet. */
  isDeployed(terms: SplitTerms): Promise<boolean>;
  /** Deploys the split if it is not there yet (idempotent; `txHash` only when this call deployed it). */
  ensureDeployed(terms: SplitTerms, sender?: Account): Promise<{ address: Address; txHash?: Hash }>;
  /** Token units received by the split and not yet distributed to either recipient. */
  balance(terms: SplitTerms, token: Address): Promise<bigint>;
  /**
   * Distributes the split's balance and pays the creator's share to the creator (and the platform's
   * to the platform), deploying the split first if needed. `sender` signs and pays gas.
   */
  withdrawCreatorShare(terms: SplitTerms, token: Address, sender: Account): Promise<WithdrawResult>;
}

/** A split operation the chain refused or that could not be confirmed; says which split and why. */
export class SplitterError extends Error {
  constructor(
    readonly operation: "predict" | "deploy" | "balance" | "withdraw",
    readonly apiSlug: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`revenue split for "${apiSlug}": ${operation} failed: ${problem}`, options);
    this.name = "SplitterError";
  }
}
