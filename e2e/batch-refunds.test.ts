import { createPublicClient, type Hex, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readChannel } from "../chain/batch-settlement.ts";
import { batchPayer } from "../chain/batch-settlement-harness.ts";
import type { LocalStack } from "../local/stack.ts";
import { balanceOf, ledgerOf } from "./support/chain.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// Idle channels are refunded cooperatively on the ledger's own schedule (no CLI, no cron): the
// payer's unused deposit goes back to the payer, after what it was charged has been claimed.

const IDLE_SECONDS = 5;
const PRICE = 1000n;
const DEPOSIT = 10n * PRICE;
let project: TempProject;
let stack: LocalStack;
let payerKey: Hex;

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project, {
    // Claims on the schedule only at the longest interval the withdrawal delay allows: whatever is
    // claimed in this file is claimed by the idle refund.
    dispatchVars: { BATCH_REFUND_IDLE_SECONDS: String(IDLE_SECONDS), BATCH_SETTLE_INTERVAL_SECONDS: "450" },
  });
  payerKey = (stack.devFile as typeof stack.devFile & { payer: { privateKey: Hex } }).payer.privateKey;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

function ledger(payer: string) {
  return ledgerOf(stack, payer);
}

describe("idle batch-settlement channels", () => {
  it(`are refunded after ${IDLE_SECONDS} s idle: the payer gets deposit − charged back, the split gets what was charged`, async () => {
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey, depositUnits: DEPOSIT });
    const before = await balanceOf(stack, payer.address);
    for (let call = 0; call < 3; call++) {
      const response = await payer.fetch(`${stack.url}/world-cities?limit=1`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const [channel] = await (await ledger(payer.address)).channelList();
    expect(channel).toBeDefined();
    const split = channel!.channelConfig.receiver;
    const splitBefore = await balanceOf(stack, split);
    const charged = 3n * PRICE;
    // Right after the calls the deposit is still in the channel.
    expect(await balanceOf(stack, payer.address)).toBe(before - DEPOSIT);

    // The ledger's alarm refunds the idle channel and settles the split, with nobody asking: on its
    // first run after the idle time (a missed run would only retry a minute later, past this wait).
    await waitFor(
      async () => (await balanceOf(stack, payer.address)) === before - charged,
      "the payer's unused deposit back",
      45_000,
    );
    const vouchers = await waitFor(async () => {
      const all = await (await ledger(payer.address)).vouchers();
      return all.length === 3 && all.every((voucher) => voucher.state === "settled") && all;
    }, "the idle channel's vouchers claimed and settled");
    expect((await balanceOf(stack, split)) - splitBefore).toBe(charged);
    // Claimed first: the contract counts the charged total as claimed, and only the rest went back.
    const chain = createPublicClient({ transport: http(stack.chain.rpcUrl) });
    const onChain = await readChannel(chain, channel!.channelId as Hex);
    expect({ balance: onChain.balance, totalClaimed: onChain.totalClaimed }).toEqual({
      balance: charged,
      totalClaimed: charged,
    });
    // Every voucher names the transaction that claimed it (a claim, or the refund claiming the rest).
    const claims = new Set(vouchers.map((voucher) => voucher.claimTx));
    expect(claims.size).toBe(1);
    const receipt = await chain.getTransactionReceipt({ hash: vouchers[0]!.claimTx as Hex });
    expect(receipt.status).toBe("success");

    // The ledger agrees with the chain, and nothing is left to claim or settle.
    const report = await runCli(project, "ledger");
    expect(report.stderr).toContain("ledger agrees with the chain");
    expect(report.code).toBe(0);
    const settle = await runCli(project, "settle");
    expect(settle.code, settle.stderr + settle.stdout).toBe(0);
  });
});
