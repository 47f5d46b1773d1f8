import { decodePaymentRequiredHeader } from "@x402/core/http";
import type { BatchSettlementClientContext, ClientChannelStorage } from "@x402/evm/batch-settlement/client";
import type { Channel } from "@x402/evm/batch-settlement/server";
import { createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_SETTLEMENT_ADDRESS, batchSettlementAbi, readChannel } from "../chain/batch-settlement.ts";
import { batchPayer } from "../chain/batch-settlement-harness.ts";
import { localChain } from "../chain/local-chain.ts";
import type { LocalStack } from "../local/stack.ts";
import { balanceOf, ledgerOf, mineBlock } from "./support/chain.ts";
import { CLAIMS_WHEN_ASKED, startCountedStack } from "./support/counted-stack.ts";
import type { CountingServer } from "./support/counting-server.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { waitFor } from "./support/wait.ts";

// The money paths of batch-settlement that need the whole marketplace: a voucher above the
// channel's balance, and the payer's timed withdrawal. Scheduled claims run only at the longest
// interval the withdrawal delay allows, so every claim seen here has another cause.

const PRICE = 1000n;
let project: TempProject;
let stack: LocalStack;
let counter: CountingServer;
let stopStack: () => Promise<void>;
let payerKey: Hex;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["counted"] });
  ({
    stack,
    counter,
    stop: stopStack,
  } = await startCountedStack(project, { dispatchVars: CLAIMS_WHEN_ASKED }));
  payerKey = stack.chain.payer.privateKey;
}, 120_000);

afterAll(async () => {
  await stopStack?.();
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

function ledger(payer: string) {
  return ledgerOf(stack, payer);
}

/** The payer's own transaction on the channel contract (the escape hatch needs no platform). */
async function payerSends(functionName: "initiateWithdraw" | "finalizeWithdraw", args: readonly unknown[]) {
  const wallet = createWalletClient({
    chain: localChain(stack.chain.chainId, stack.chain.rpcUrl),
    transport: http(stack.chain.rpcUrl),
    account: privateKeyToAccount(payerKey),
  });
  const hash = await wallet.writeContract({
    address: BATCH_SETTLEMENT_ADDRESS,
    abi: batchSettlementAbi,
    functionName,
    args: args as never,
  });
  return chain().waitForTransactionReceipt({ hash });
}

/** anvil's clock jumps ahead (the withdrawal delay passing), then a block is mined at the new time. */
async function advanceChainTime(seconds: number): Promise<void> {
  const response = await fetch(stack.chain.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_increaseTime", params: [seconds] }),
  });
  expect(response.ok).toBe(true);
  await mineBlock(stack);
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

  it("has the cron claim a withdrawing channel at once, found on chain, when its payer stopped calling", async () => {
    const salt: Hex = `0x${"d4".repeat(32)}`;
    const deposit = 10n * PRICE;
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey, depositUnits: deposit, salt });
    for (let call = 0; call < 2; call++) {
      const response = await payer.fetch(`${stack.url}/counted`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const channel = await channelOf(payer.address, salt);
    const id = channel.channelId.toLowerCase();
    expect((await payerSends("initiateWithdraw", [channel.channelConfig, deposit])).status).toBe("success");
    // No call follows, so no voucher check ever reads the withdrawal; the vouchers are seconds old,
    // far from the half settle interval (225 s) after which the cron claims anyway.
    const worker = await stack.mf.getWorker("dispatch");
    await worker.scheduled({ cron: "*/5 * * * *" });
    await waitFor(async () => {
      const vouchers = (await (await ledger(payer.address)).vouchers()).filter(
        (voucher) => voucher.channelId === id,
      );
      return vouchers.length === 2 && vouchers.every((voucher) => voucher.state === "settled");
    }, "the withdrawing channel claimed by the cron");
    expect((await readChannel(chain(), id as Hex)).totalClaimed).toBe(2n * PRICE);
  });

  it("claims a channel's outstanding vouchers at once when its payer starts the timed withdrawal, so the split gets everything charged", async () => {
    const salt: Hex = `0x${"c3".repeat(32)}`;
    const deposit = 10n * PRICE;
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey, depositUnits: deposit, salt });
    for (let call = 0; call < 3; call++) {
      const response = await payer.fetch(`${stack.url}/counted`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const channel = await channelOf(payer.address, salt);
    const id = channel.channelId;
    const split = channel.channelConfig.receiver;
    const splitBefore = await balanceOf(stack, split);
    const payerBefore = await balanceOf(stack, payer.address);

    // The payer takes its whole unclaimed deposit back through the contract, without the platform.
    const started = await payerSends("initiateWithdraw", [channel.channelConfig, deposit]);
    expect(started.status).toBe("success");
    const { timestamp: startedAt } = await chain().getBlock({ blockNumber: started.blockNumber });

    // The gateway re-reads a channel's on-chain state once its copy is older than the SDK's
    // refresh interval (minutes): the test ages its copy instead of waiting for that.
    const stored = await (await ledger(payer.address)).channelRead(id);
    const aged = await (await ledger(payer.address)).channelWrite(id, stored!.version, {
      ...stored!.channel,
      onchainSyncedAt: 0,
    });
    expect(aged.ok).toBe(true);
    // The payer's agent is still calling: this voucher's check reads the started withdrawal.
    const during = await payer.fetch(`${stack.url}/counted`);
    expect(during.status).toBe(200);
    await during.arrayBuffer();
    const charged = 4n * PRICE;
    // What this payer owes the split in all (the first test's channel pays the same split).
    const owed = (await (await ledger(payer.address)).vouchers())
      .filter((voucher) => voucher.payTo.toLowerCase() === split.toLowerCase() && voucher.state !== "settled")
      .reduce((sum, voucher) => sum + BigInt(voucher.amount), 0n);
    expect(owed).toBeGreaterThanOrEqual(charged);

    // Claimed and settled at once (the schedule would wait 450 s), before the withdrawal can finish.
    await waitFor(async () => {
      const vouchers = (await (await ledger(payer.address)).vouchers()).filter(
        (voucher) => voucher.channelId === id.toLowerCase(),
      );
      return vouchers.length === 4 && vouchers.every((voucher) => voucher.state === "settled");
    }, "the withdrawing channel's vouchers claimed and settled");
    const onChain = await readChannel(chain(), id as Hex);
    expect(onChain.totalClaimed).toBe(charged);
    expect(onChain.pendingWithdrawal.initiatedAt).toBe(Number(startedAt));
    const { timestamp: now } = await chain().getBlock();
    expect(now).toBeLessThan(startedAt + BigInt(channel.channelConfig.withdrawDelay));
    expect((await balanceOf(stack, split)) - splitBefore).toBe(owed);

    // After the delay the payer finalizes and gets exactly what was not charged.
    await advanceChainTime(channel.channelConfig.withdrawDelay);
    expect((await payerSends("finalizeWithdraw", [channel.channelConfig])).status).toBe("success");
    expect((await balanceOf(stack, payer.address)) - payerBefore).toBe(deposit - charged);
  });
});
