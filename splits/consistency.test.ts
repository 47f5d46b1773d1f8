import { describe, expect, it } from "vitest";
import { checkChannelClaims, checkSplitConsistency, type SplitConsistencyInput } from "./consistency.ts";

const balanced: SplitConsistencyInput = {
  settledSum: 1_000_005n,
  receivedBySplit: 1_000_005n,
  creatorPaid: 900_004n,
  platformPaid: 100_000n,
  balanceInSplit: 1n,
  dustTolerance: 0n,
};

describe("checkSplitConsistency", () => {
  it("accepts ledger = received = payouts + balance", () => {
    expect(checkSplitConsistency(balanced)).toEqual({ ok: true, discrepancies: [] });
  });

  it("accepts unaccounted units up to the dust tolerance, and no more", () => {
    const pull = { ...balanced, balanceInSplit: 0n, platformPaid: 99_999n, dustTolerance: 2n }; // 2 units left
    expect(checkSplitConsistency(pull).ok).toBe(true);
    const over = checkSplitConsistency({ ...pull, platformPaid: 99_998n });
    expect(over.ok).toBe(false);
    expect(over.discrepancies).toEqual([
      expect.objectContaining({ check: "payouts_vs_received", difference: -3n }),
    ]);
  });

  it("flags a ledger that disagrees with the chain, in either direction", () => {
    const unrecorded = checkSplitConsistency({ ...balanced, settledSum: 1_000_000n });
    expect(unrecorded.discrepancies).toEqual([
      expect.objectContaining({
        check: "ledger_vs_chain",
        difference: 5n,
        message: expect.stringContaining("more than the ledger"),
      }),
    ]);
    const neverLanded = checkSplitConsistency({ ...balanced, settledSum: 1_000_010n });
    expect(neverLanded.discrepancies[0]).toMatchObject({ check: "ledger_vs_chain", difference: -5n });
  });

  it("flags payouts that exceed what the split received, even within the dust tolerance", () => {
    const result = checkSplitConsistency({ ...balanced, creatorPaid: 900_005n, dustTolerance: 10n });
    expect(result.ok).toBe(false);
    expect(result.discrepancies[0]).toMatchObject({ check: "payouts_vs_received", difference: 1n });
  });

  it("flags negative inputs", () => {
    const result = checkSplitConsistency({ ...balanced, balanceInSplit: -1n, creatorPaid: 900_006n });
    expect(result.discrepancies.map((d) => d.check)).toContain("negative_amount");
  });
});

describe("checkChannelClaims", () => {
  it("agrees when every channel's claimed vouchers match the contract, and names each one that does not", () => {
    expect(
      checkChannelClaims([
        { channelId: "0xa", claimedInLedger: 5000n, claimedOnChain: 5000n },
        { channelId: "0xb", claimedInLedger: 0n, claimedOnChain: 0n },
      ]),
    ).toEqual([]);
    const [problem, ...rest] = checkChannelClaims([
      { channelId: "0xa", claimedInLedger: 5000n, claimedOnChain: 5000n },
      { channelId: "0xc", claimedInLedger: 3000n, claimedOnChain: 4000n },
    ]);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ check: "ledger_vs_chain", difference: 1000n });
    expect(problem!.message).toContain("0xc");
  });
});
