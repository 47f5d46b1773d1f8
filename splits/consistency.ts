/** The amounts one API's consistency check compares, all in token units. */
export interface SplitConsistencyInput {
  /** Sum of the API's payments the ledger (D1) records as settled. */
  settledSum: bigint;
  /** Tokens the split address has received on chain (e.g. sum of Transfer events to it). */
  receivedBySplit: bigint;
  /** Tokens paid out of the split to the creator. */
  creatorPaid: bigint;
  /** Tokens paid out of the split to the platform. */
  platformPaid: bigint;
  /** Tokens still held by the split (undistributed, including rounding dust). */
  balanceInSplit: bigint;
  /** The splitter's documented rounding dust: how far received may exceed payouts + balance. */
  dustTolerance: bigint;
}

export interface SplitDiscrepancy {
  check: "ledger_vs_chain" | "payouts_vs_received" | "negative_amount";
  /** Signed: actual − expected. */
  difference: bigint;
  message: string;
}

export interface SplitConsistencyResult {
  ok: boolean;
  discrepancies: SplitDiscrepancy[];
}

/**
 * Checks the money rule per API: settled payments in the ledger = tokens received by the split
 * = creator payouts + platform payouts + balance still in the split (± dust). Pure.
 */
export function checkSplitConsistency(input: SplitConsistencyInput): SplitConsistencyResult {
  const discrepancies: SplitDiscrepancy[] = [];
  for (const key of [
    "settledSum",
    "receivedBySplit",
    "creatorPaid",
    "platformPaid",
    "balanceInSplit",
    "dustTolerance",
  ] as const) {
    if (input[key] < 0n) {
      discrepancies.push({
        check: "negative_amount",
        difference: input[key],
        message: `${key} is negative (${input[key]})`,
      });
    }
  }

  // The ledger and the chain must agree exactly: a settled payment either moved tokens or it did not.
  const ledgerGap = input.receivedBySplit - input.settledSum;
  if (ledgerGap !== 0n) {
    discrepancies.push({
      check: "ledger_vs_chain",
      difference: ledgerGap,
      message:
        ledgerGap > 0n
          ? `the split received ${ledgerGap} more than the ledger records as settled (unrecorded or unknown payments?)`
          : `the ledger records ${-ledgerGap} more as settled than the split received (settlements that never landed?)`,
    });
  }

  // Dust is tokens received that neither recipient has been paid yet nor shows as balance (e.g. a
  // pull split's units left in the warehouse); it can only be positive and small.
  const accounted = input.creatorPaid + input.platformPaid + input.balanceInSplit;
  const unaccounted = input.receivedBySplit - accounted;
  if (unaccounted < 0n || unaccounted > input.dustTolerance) {
    discrepancies.push({
      check: "payouts_vs_received",
      difference: -unaccounted,
      message:
        unaccounted < 0n
          ? `payouts plus balance (${accounted}) exceed what the split received (${input.receivedBySplit}) by ${-unaccounted}`
          : `${unaccounted} received by the split is neither paid out nor in its balance (dust tolerance ${input.dustTolerance})`,
    });
  }
  return { ok: discrepancies.length === 0, discrepancies };
}

/** One payment channel's claimed total, as the ledger (D1 vouchers) and the chain (the contract) see it. */
export interface ChannelClaimInput {
  channelId: string;
  claimedInLedger: bigint;
  claimedOnChain: bigint;
}

/**
 * batch-settlement's half of the money rule: for every channel, the vouchers the ledger records as
 * claimed (or settled) add up to what the contract says was claimed from it. Pure.
 */
export function checkChannelClaims(channels: readonly ChannelClaimInput[]): SplitDiscrepancy[] {
  return channels
    .filter((channel) => channel.claimedInLedger !== channel.claimedOnChain)
    .map((channel) => ({
      check: "ledger_vs_chain" as const,
      difference: channel.claimedOnChain - channel.claimedInLedger,
      message: `channel ${channel.channelId}: the ledger records ${channel.claimedInLedger} claimed, the chain ${channel.claimedOnChain}`,
    }));
}
