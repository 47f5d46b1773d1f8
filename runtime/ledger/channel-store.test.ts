import type { Channel } from "@x402/evm/batch-settlement/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempProject, type TempProject } from "../../e2e/support/temp-project.ts";
import { startTestStack } from "../../e2e/support/test-stack.ts";
import type { LocalStack } from "../../local/stack.ts";
import type { ChannelWrite, ChargeInput, StoredChannel, VoucherRecord } from "./channel-types.ts";

// batch-settlement channel state in the payer ledger, in real workerd (SQLite Durable Object).
interface ChannelLedger {
  channelRead(channelId: string): Promise<StoredChannel | null>;
  channelWrite(
    id: string,
    version: number,
    next: Channel | null,
    charge?: ChargeInput,
  ): Promise<ChannelWrite>;
  vouchers(state?: string): Promise<VoucherRecord[]>;
  channelsToClaim(chargedBefore?: number): Promise<StoredChannel[]>;
}

const PAYER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const CHANNEL = `0x${"c1".repeat(32)}`;
const charge: ChargeInput = {
  apiSlug: "world-cities",
  payTo: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  network: "eip155:31337",
  asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};
let project: TempProject;
let stack: LocalStack;
let ledger: ChannelLedger;

const channel = (charged: string, overrides: Partial<Channel> = {}): Channel => ({
  channelId: CHANNEL,
  channelConfig: {
    payer: PAYER as `0x${string}`,
    payerAuthorizer: PAYER as `0x${string}`,
    receiver: charge.payTo as `0x${string}`,
    receiverAuthorizer: PAYER as `0x${string}`,
    token: charge.asset as `0x${string}`,
    withdrawDelay: 86_400,
    salt: `0x${"00".repeat(32)}`,
  },
  chargedCumulativeAmount: charged,
  signedMaxClaimable: charged,
  signature: `0x${"11".repeat(65)}`,
  balance: "100000",
  totalClaimed: "0",
  withdrawRequestedAt: 0,
  refundNonce: 0,
  lastRequestTimestamp: Date.now(),
  ...overrides,
});

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project);
  const namespace = await stack.mf.getDurableObjectNamespace("PAYER_LEDGER", "dispatch");
  ledger = namespace.get(namespace.idFromName(PAYER.toLowerCase())) as unknown as ChannelLedger;
});

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

describe("channel storage in the payer ledger", () => {
  it("creates a channel once: of 20 concurrent creations at version 0 exactly one wins", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ledger.channelWrite(CHANNEL, 0, channel("0"))),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const losers = results.filter((result) => !result.ok);
    expect(losers).toHaveLength(19);
    expect(losers[0]).toMatchObject({ ok: false, current: { version: 1 } });
    expect(await ledger.channelRead(CHANNEL)).toMatchObject({
      version: 1,
      channel: { chargedCumulativeAmount: "0" },
    });
  });

  it("records a charged voucher with the write that raises the charged total, and only once", async () => {
    const raised = await Promise.all(
      Array.from({ length: 10 }, () => ledger.channelWrite(CHANNEL, 1, channel("1000"), charge)),
    );
    expect(raised.filter((result) => result.ok)).toHaveLength(1);
    expect(await ledger.vouchers()).toEqual([
      expect.objectContaining({
        cumulative: "1000",
        amount: "1000",
        state: "charged",
        apiSlug: "world-cities",
      }),
    ]);
  });

  it("refuses to raise the charged total without saying which API it paid for", async () => {
    expect(await ledger.channelWrite(CHANNEL, 2, channel("2000"))).toMatchObject({
      ok: false,
      refused: expect.stringMatching(/needs the API/),
    });
    expect(await ledger.channelRead(CHANNEL)).toMatchObject({
      version: 2,
      channel: { chargedCumulativeAmount: "1000" },
    });
  });

  it("records no voucher for writes that do not charge (a reservation, a claim, a deletion)", async () => {
    const claimed = await ledger.channelWrite(CHANNEL, 2, channel("1000", { totalClaimed: "1000" }));
    expect(claimed).toEqual({ ok: true, version: 3 });
    expect(await ledger.channelWrite(CHANNEL, 3, null)).toEqual({ ok: true, version: 4 });
    expect(await ledger.channelRead(CHANNEL)).toBeNull();
    expect(await ledger.vouchers()).toHaveLength(1);
  });

  it("lists the channels a claim is due for: owing vouchers, charged long enough ago, or withdrawing", async () => {
    const other = `0x${"c2".repeat(32)}`;
    const withdrawing = `0x${"c3".repeat(32)}`;
    const make = (id: string, charged: string, overrides: Partial<Channel> = {}) =>
      channel(charged, { channelId: id, ...overrides });
    expect((await ledger.channelWrite(other, 0, make(other, "0"))).ok).toBe(true);
    const before = Date.now() - 1;
    expect((await ledger.channelWrite(other, 1, make(other, "500"), charge)).ok).toBe(true);
    expect((await ledger.channelWrite(withdrawing, 0, make(withdrawing, "0"))).ok).toBe(true);
    expect(
      (
        await ledger.channelWrite(
          withdrawing,
          1,
          make(withdrawing, "700", { withdrawRequestedAt: 1 }),
          charge,
        )
      ).ok,
    ).toBe(true);
    const ids = (due: StoredChannel[]) => due.map((stored) => stored.channel.channelId).sort();
    // Everything owed (`402claw settle`), with the version a compare-and-set must name.
    expect(await ledger.channelsToClaim()).toEqual([
      { channel: expect.objectContaining({ channelId: other }), version: 2 },
      { channel: expect.objectContaining({ channelId: withdrawing }), version: 2 },
    ]);
    // Only vouchers charged before `before` (the cron): the withdrawing channel is due anyway.
    expect(ids(await ledger.channelsToClaim(before))).toEqual([withdrawing]);
    // A channel claimed up to its charge owes nothing.
    expect((await ledger.channelWrite(other, 2, make(other, "500", { totalClaimed: "500" }))).ok).toBe(true);
    expect(ids(await ledger.channelsToClaim())).toEqual([withdrawing]);
  });
});
