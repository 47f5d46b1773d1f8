import { decodePaymentRequiredHeader } from "@x402/core/http";
import type { BatchSettlementClientContext, ClientChannelStorage } from "@x402/evm/batch-settlement/client";
import type { Channel } from "@x402/evm/batch-settlement/server";
import { createPublicClient, type Hex, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readChannel } from "../chain/batch-settlement.ts";
import { batchPayer } from "../chain/batch-settlement-harness.ts";
import type { LocalStack } from "../local/stack.ts";
import type { VoucherRecord } from "../runtime/ledger/channel-types.ts";
import { type CountingServer, startCountingServer } from "./support/counting-server.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";

// The money paths of batch-settlement that need the whole marketplace: a voucher above the
// channel's balance, and the payer's timed withdrawal. Scheduled claims run only at the longest
// interval the withdrawal delay allows, so every claim seen here has another cause.

const PRICE = 1000n;
let project: TempProject;
let stack: LocalStack;
let counter: CountingServer;
let payerKey: Hex;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["counted"] });
  counter = await startCountingServer();
  stack = await startTestStack(project, {
    dispatchVars: { BATCH_SETTLE_INTERVAL_SECONDS: "450" },
    extraResolveOverrides: { "counter.402claw.test": counter.url },
  });
  payerKey = stack.chain.payer.privateKey;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await counter?.stop();
  project?.remove();
});

const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });

/** A client's channel records in a map the test can read and change (as a disk file could be). */
class VisibleStorage implements ClientChannelStorage {
  readonly records = new Map<string, BatchSettlementClientContext>();
  async get(key: string) {
    return this.records.get(key);
  }
  async set(key: string, context: BatchSettlementClientContext) {
    this.records.set(key, context);
  }
  async delete(key: string) {
    this.records.delete(key);
  }
}

async function ledger(payer: string) {
  const namespace = await stack.mf.getDurableObjectNamespace("PAYER_LEDGER", "dispatch");
  return namespace.get(namespace.idFromName(payer.toLowerCase())) as unknown as {
    vouchers(): Promise<VoucherRecord[]>;
    channelList(): Promise<Channel[]>;
  };
}

/** The gateway's record of this payer's channel with `salt`. */
async function channelOf(payer: string, salt: Hex): Promise<Channel> {
  const channels = (await (await ledger(payer)).channelList()).filter(
    (channel) => channel.channelConfig.salt === salt,
  );
  expect(channels).toHaveLength(1);
  return channels[0]!;
}

describe("batch-settlement money paths through the gateway", () => {
  it("refuses a voucher above the channel's balance with a 402 naming it, charging nothing; the client recovers by topping up", async () => {
    const salt: Hex = `0x${"a1".repeat(32)}`;
    const storage = new VisibleStorage();
    const payer = batchPayer({
      chain: stack.chain,
      privateKey: payerKey,
      depositUnits: 2n * PRICE,
      salt,
      storage,
    });
    for (let call = 0; call < 2; call++) {
      const response = await payer.fetch(`${stack.url}/counted`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const channel = await channelOf(payer.address, salt);
    expect({ balance: channel.balance, charged: channel.chargedCumulativeAmount }).toEqual({
      balance: "2000",
      charged: "2000",
    });
    const hits = counter.hits("/hit/counted");
    const vouchersBefore = (await (await ledger(payer.address)).vouchers()).length;

    // The client believes its channel holds far more than it does (a stale record), so it signs a
    // voucher for 3000 against a balance of 2000 instead of topping up.
    const [key] = [...storage.records.keys()];
    storage.records.set(key!, { ...storage.records.get(key!), balance: "1000000" });
    const refused = await payer.fetch(`${stack.url}/counted`);
    expect(refused.status).toBe(402);
    const required = decodePaymentRequiredHeader(refused.headers.get("payment-required")!);
    expect(required.error).toBe("invalid_batch_settlement_evm_cumulative_exceeds_balance");
    await refused.arrayBuffer();
    // Nothing ran, nothing was charged.
    expect(counter.hits("/hit/counted")).toBe(hits);
    expect((await (await ledger(payer.address)).vouchers()).length).toBe(vouchersBefore);
    expect((await channelOf(payer.address, salt)).chargedCumulativeAmount).toBe("2000");

    // Once the client drops its stale record it rebuilds the channel from the chain and the
    // gateway's corrective 402, sees the balance is spent, and tops up the same channel.
    storage.records.delete(key!);
    const recovered = await payer.fetch(`${stack.url}/counted`);
    expect(recovered.status).toBe(200);
    await recovered.arrayBuffer();
    const receipt = JSON.parse(atob(recovered.headers.get("payment-response")!)) as { transaction: string };
    expect(receipt.transaction).toMatch(/^0x[0-9a-f]{64}$/); // the top-up deposit
    expect(counter.hits("/hit/counted")).toBe(hits + 1);
    const after = await channelOf(payer.address, salt);
    expect(after.chargedCumulativeAmount).toBe("3000");
    const onChain = await readChannel(chain(), after.channelId as Hex);
    expect(onChain.balance).toBe(4000n);
    const amounts = (await (await ledger(payer.address)).vouchers())
      .filter((voucher) => voucher.channelId === after.channelId.toLowerCase())
      .map((voucher) => voucher.amount);
    expect(amounts).toEqual(["1000", "1000", "1000"]);
  });
});
