import { type Address, createPublicClient, decodeFunctionData, type Hex, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchSettlementAbi } from "../chain/batch-settlement.ts";
import { batchPayer } from "../chain/batch-settlement-harness.ts";
import { fundPayers } from "../chain/fund-payers.ts";
import type { LocalStack } from "../local/stack.ts";
import type { VoucherRecord } from "../runtime/ledger/channel-types.ts";
import { balanceOf, ledgerOf } from "./support/chain.ts";
import { CLAIMS_WHEN_ASKED } from "./support/counted-stack.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";

// Claims are batched across payers: the vouchers of many payers of one API are claimed in one
// transaction (≤ 100 channel rows each), not one transaction per payer.

const PAYERS = 5;
const CALLS_EACH = 3;
let project: TempProject;
let stack: LocalStack;

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project, { dispatchVars: CLAIMS_WHEN_ASKED });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });

async function vouchersOf(payer: string): Promise<VoucherRecord[]> {
  return (await ledgerOf(stack, payer)).vouchers();
}

describe("claims across payers", () => {
  it("claims the vouchers of several payers of one API in one transaction, and settles exactly the charged total", async () => {
    const keys = Array.from({ length: PAYERS }, () => generatePrivateKey());
    const accounts = keys.map((key) => privateKeyToAccount(key));
    await fundPayers(stack.chain, accounts, 10_000_000n);
    const url = `${stack.url}/world-cities?limit=1`;
    for (const key of keys) {
      const payer = batchPayer({ chain: stack.chain, privateKey: key, depositUnits: 100_000n });
      for (let call = 0; call < CALLS_EACH; call++) {
        const response = await payer.fetch(url);
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
    }
    const charged = (await Promise.all(accounts.map((account) => vouchersOf(account.address)))).flat();
    expect(charged).toHaveLength(PAYERS * CALLS_EACH);
    const total = charged.reduce((sum, voucher) => sum + BigInt(voucher.amount), 0n);
    const split = charged[0]!.payTo as Address;
    const splitBefore = await balanceOf(stack, split);
    const before = await chain().getBlockNumber();

    const settled = await runCli(project, "settle");
    expect(settled.code, settled.stderr + settled.stdout).toBe(0);

    // One claim (all five payers' channels) and one settle: two transactions in all.
    const client = chain();
    const after = await client.getBlockNumber();
    const sent: Hex[] = [];
    for (let block = before + 1n; block <= after; block++)
      sent.push(...(await client.getBlock({ blockNumber: block })).transactions);
    const calls = await Promise.all(
      sent.map(async (hash) => {
        const tx = await client.getTransaction({ hash });
        return decodeFunctionData({ abi: batchSettlementAbi, data: tx.input });
      }),
    );
    expect(calls.map((call) => call.functionName).sort()).toEqual(["claimWithSignature", "settle"]);
    const claim = calls.find((call) => call.functionName === "claimWithSignature")!;
    const rows = claim.args[0] as ReadonlyArray<{ voucher: { channel: { payer: Address } } }>;
    expect(new Set(rows.map((row) => row.voucher.channel.payer.toLowerCase()))).toEqual(
      new Set(accounts.map((account) => account.address.toLowerCase())),
    );

    expect((await balanceOf(stack, split)) - splitBefore).toBe(total);
    for (const account of accounts)
      expect((await vouchersOf(account.address)).map((voucher) => voucher.state)).toEqual(
        Array(CALLS_EACH).fill("settled"),
      );
    const ledger = await runCli(project, "ledger");
    expect(ledger.stderr).toContain("ledger agrees with the chain");
    expect(ledger.code).toBe(0);

    // Nothing is left to claim: a second run sends no transaction.
    const idle = await chain().getBlockNumber();
    expect((await runCli(project, "settle")).code).toBe(0);
    expect(await chain().getBlockNumber()).toBe(idle);
  });
});
