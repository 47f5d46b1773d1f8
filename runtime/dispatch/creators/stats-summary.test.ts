import { describe, expect, it } from "vitest";
import { splitRevenue, summarizePayouts, summarizeWindow } from "./stats-summary.ts";

describe("summarizeWindow", () => {
  it("counts calls per outcome and splits settled revenue by the API's fee", () => {
    const stats = summarizeWindow(
      [
        { state: "settled", payments: 3, amount: 3000n },
        { state: "failed", payments: 2, amount: 2000n },
        { state: "unknown", payments: 1, amount: 1000n },
      ],
      1000,
    );
    expect(stats).toEqual({
      calls: 6,
      paidCalls: 3,
      failedCalls: 2,
      unsettled: { payments: 1, amount: "1000" },
      // Failed and unknown payments earn nothing until the chain says otherwise.
      revenue: { gross: "3000", platformFee: "300", creatorShare: "2700" },
    });
  });

  it("counts vouchers settled to the split as paid, and vouchers still owed as unsettled", () => {
    // The ledger report's names for voucher states (the platform view sums it with this function).
    const stats = summarizeWindow(
      [
        { state: "settled", payments: 1, amount: 1000n },
        { state: "batch_settled", payments: 4, amount: 4000n },
        { state: "batch_claimed", payments: 2, amount: 2000n },
        { state: "batch_charged", payments: 3, amount: 3000n },
      ],
      1000,
    );
    expect(stats).toMatchObject({
      calls: 10,
      paidCalls: 5,
      failedCalls: 0,
      unsettled: { payments: 5, amount: "5000" },
      revenue: { gross: "5000", platformFee: "500", creatorShare: "4500" },
    });
  });

  it("reports an idle API as zeros, not as missing numbers", () => {
    expect(summarizeWindow([], 500)).toEqual({
      calls: 0,
      paidCalls: 0,
      failedCalls: 0,
      unsettled: { payments: 0, amount: "0" },
      revenue: { gross: "0", platformFee: "0", creatorShare: "0" },
    });
  });

  it("keeps amounts exact beyond 2^53 token units", () => {
    const big = 2n ** 60n + 7n;
    const stats = summarizeWindow([{ state: "settled", payments: 1, amount: big }], 0);
    expect(stats.revenue).toEqual({ gross: String(big), platformFee: "0", creatorShare: String(big) });
  });
});

describe("splitRevenue", () => {
  it("floors each share like the splitters do, leaving at most one unit of dust", () => {
    // 999 units at 5%: platform 49.95 → 49, creator 949.05 → 949, 1 unit stays in the split.
    expect(splitRevenue(999n, 500)).toEqual({ platformFee: 49n, creatorShare: 949n });
    for (const [gross, bps] of [
      [1n, 1],
      [12345n, 333],
      [10n ** 12n + 1n, 9999],
    ] as const) {
      const { platformFee, creatorShare } = splitRevenue(gross, bps);
      const dust = gross - platformFee - creatorShare;
      expect(dust >= 0n && dust <= 1n).toBe(true);
    }
  });

  it("refuses a fee outside 0..100%", () => {
    expect(() => splitRevenue(1n, 10_001)).toThrow(RangeError);
    expect(() => splitRevenue(1n, -1)).toThrow(RangeError);
  });
});

describe("summarizePayouts", () => {
  it("says what the creator is still owed, never a negative amount", () => {
    expect(summarizePayouts({ creator: 700n, platform: 80n }, 900n)).toEqual({
      creatorPaid: "700",
      platformPaid: "80",
      creatorUnpaid: "200",
    });
    expect(summarizePayouts({ creator: 950n, platform: 0n }, 900n).creatorUnpaid).toBe("0");
  });
});
