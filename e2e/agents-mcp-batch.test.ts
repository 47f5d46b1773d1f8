import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { x402Client } from "@x402/core/client";
import type { PaymentPayload, PaymentRequired, SettleResponse } from "@x402/core/types";
import { toClientEvmSigner } from "@x402/evm";
import {
  BatchSettlementEvmScheme,
  type ClientChannelStorage,
  InMemoryClientChannelStorage,
} from "@x402/evm/batch-settlement/client";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "../chain/accounts.ts";
import { localChain } from "../chain/local-chain.ts";
import { usdc3009Abi } from "../chain/usdc3009-abi.ts";
import { REPO_ROOT } from "../local/paths.ts";
import type { LocalStack } from "../local/stack.ts";
import type { VoucherRecord } from "../runtime/ledger/channel-types.ts";
import { balanceOf, ledgerOf, transactionsSince as transactionsSinceOn } from "./support/chain.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// x402 batch-settlement over MCP: the official MCP client calls /mcp and pays with the official
// x402 client and its batch-settlement scheme (a deposit, then vouchers), carrying the payloads
// in _meta["x402/payment"] per x402's MCP transport, on the real local chain and facilitator.
let project: TempProject;
let stack: LocalStack;
let payerKey: Hex;
let mcp: Client;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["crasher", "metered"] });
  // Claims run only when this file asks (`402claw settle`), so the transactions counted are its own.
  stack = await startTestStack(project, { dispatchVars: { BATCH_SETTLE_INTERVAL_SECONDS: "450" } });
  payerKey = (stack.devFile as typeof stack.devFile & { payer: { privateKey: Hex } }).payer.privateKey;
  mcp = new Client({ name: "e2e-batch", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`)));
}, 120_000);

afterAll(async () => {
  await mcp?.close();
  await stack?.stop();
  project?.remove();
});

const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });

/** The official x402 client: batch-settlement (channel state in `storage`) beside exact. */
function payerClient(storage: ClientChannelStorage): x402Client {
  const account = privateKeyToAccount(payerKey);
  const publicClient = createPublicClient({
    chain: localChain(stack.chain.chainId, stack.chain.rpcUrl),
    transport: http(stack.chain.rpcUrl),
  });
  return new x402Client()
    .register(
      stack.chain.network,
      new BatchSettlementEvmScheme(toClientEvmSigner(account, publicClient), { storage }),
    )
    .register(stack.chain.network, new ExactEvmScheme(account))
    .setSpendControls({ allowedAssets: [{ network: stack.chain.network, asset: stack.chain.asset }] });
}

async function call(name: string, args: Record<string, unknown>, payment?: PaymentPayload) {
  return (await mcp.callTool({
    name,
    arguments: args,
    ...(payment ? { _meta: { "x402/payment": payment } } : {}),
  })) as CallToolResult;
}

/** The PaymentRequired an unpaid (or refused) call answers with, per x402's MCP transport. */
function paymentRequiredOf(result: CallToolResult): PaymentRequired {
  expect(result.isError).toBe(true);
  const required = result.structuredContent as unknown as PaymentRequired;
  expect(required.x402Version).toBe(2);
  return required;
}

const settlementOf = (result: CallToolResult) =>
  result._meta?.["x402/payment-response"] as SettleResponse | undefined;

interface PaidToolCall {
  result: CallToolResult;
  payloads: PaymentPayload[];
}

/**
 * What an x402 MCP client does for one tool call: the unpaid call, a payload for its 402, the paid
 * retry, then the payment response handed to the client's hooks (they keep the channel state);
 * when those hooks recover from a corrective 402, one retry with a fresh payload.
 */
async function paidCall(
  client: x402Client,
  name: string,
  args: Record<string, unknown>,
): Promise<PaidToolCall> {
  const required = paymentRequiredOf(await call(name, args));
  const payloads: PaymentPayload[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const payload = await client.createPaymentPayload(required);
    payloads.push(payload);
    const result = await call(name, args, payload);
    const settleResponse = settlementOf(result);
    const corrective =
      !settleResponse && result.isError && (result.structuredContent as { accepts?: unknown })?.accepts
        ? paymentRequiredOf(result)
        : undefined;
    const outcome = await client.handlePaymentResponse({
      paymentPayload: payload,
      requirements: payload.accepted,
      ...(settleResponse ? { settleResponse } : {}),
      ...(corrective ? { paymentRequired: corrective } : {}),
    });
    if (!outcome?.recovered) return { result, payloads };
  }
  throw new Error("the corrective 402 did not recover the channel");
}

async function vouchersOf(payer: string): Promise<VoucherRecord[]> {
  return (await ledgerOf(stack, payer)).vouchers();
}

/** The gateway's side of a channel (the payer's Durable Object): what it has charged so far. */
async function chargedOnGateway(payer: string, channelId: string): Promise<bigint> {
  const stored = await (await ledgerOf(stack, payer)).channelRead(channelId);
  return BigInt(stored?.channel.chargedCumulativeAmount ?? "0");
}

const transactionsSince = (from: bigint) => transactionsSinceOn(stack, from);

type BatchPayload = { type: string; voucher: { channelId: string; maxClaimableAmount: string } };
const batchPayloadOf = (payload: PaymentPayload) => payload.payload as unknown as BatchPayload;

describe("/mcp tool calls paid with batch-settlement", () => {
  const storage = new InMemoryClientChannelStorage();
  const address = () => privateKeyToAccount(payerKey).address;

  it("offers batch-settlement first in the unpaid call's PaymentRequired", async () => {
    const required = paymentRequiredOf(await call("world-cities", { limit: 1 }));
    expect(required.accepts.map((offer) => offer.scheme)).toEqual(["batch-settlement", "exact"]);
    expect(mcp.getInstructions()).toContain("batch-settlement first, pay through a payment channel");
    expect(required.accepts[0]!.extra).toMatchObject({
      receiverAuthorizer: stack.chain.batchSettlement.receiverAuthorizer.address,
    });
  });

  it("deposits once, then pays tool calls with vouchers that cost no transaction; settle pays the split what was charged", async () => {
    const client = payerClient(storage);
    const split = paymentRequiredOf(await call("world-cities", { limit: 1 })).accepts[0]!.payTo as Address;
    const splitBefore = await balanceOf(stack, split);

    const opened = await paidCall(client, "world-cities", { filter_name: "Tokyo", fields: "name" });
    expect(opened.result.isError).toBeFalsy();
    expect(opened.result.structuredContent).toMatchObject({ data: [{ name: "Tokyo" }] });
    expect(opened.payloads.map((payload) => batchPayloadOf(payload).type)).toEqual(["deposit"]);
    const deposit = settlementOf(opened.result)!;
    expect(deposit).toMatchObject({ success: true, extra: { chargedAmount: "1000" } });
    expect((await chain().getTransactionReceipt({ hash: deposit.transaction as Hex })).status).toBe(
      "success",
    );
    const channelId = batchPayloadOf(opened.payloads[0]!).voucher.channelId;
    const afterDeposit = await chain().getBlockNumber();

    for (let index = 1; index <= 5; index++) {
      const paid = await paidCall(client, "world-cities", { limit: 1, page: index });
      expect(paid.result.isError).toBeFalsy();
      expect(paid.payloads.map((payload) => batchPayloadOf(payload).type)).toEqual(["voucher"]);
      expect(batchPayloadOf(paid.payloads[0]!).voucher.maxClaimableAmount).toBe(String(1000 * (index + 1)));
      expect(settlementOf(paid.result)).toMatchObject({
        success: true,
        transaction: "",
        extra: {
          chargedAmount: "1000",
          channelState: { chargedCumulativeAmount: String(1000 * (index + 1)) },
        },
      });
    }
    expect(await transactionsSince(afterDeposit)).toBe(0);
    expect(await chargedOnGateway(address(), channelId)).toBe(6000n);

    const settled = await runCli(project, "settle");
    expect(settled.code, settled.stderr).toBe(0);
    const charged = (await vouchersOf(address()))
      .filter((voucher) => voucher.apiSlug === "world-cities")
      .reduce((sum, voucher) => sum + BigInt(voucher.amount), 0n);
    expect(charged).toBe(6000n);
    expect((await balanceOf(stack, split)) - splitBefore).toBe(charged);
  });

  it("refuses a replayed voucher (a corrective 402) and charges nothing for it", async () => {
    const client = payerClient(storage);
    const paid = await paidCall(client, "world-cities", { limit: 1 });
    expect(paid.result.isError).toBeFalsy();
    const voucher = paid.payloads.at(-1)!;
    const { channelId } = batchPayloadOf(voucher).voucher;
    const before = await chargedOnGateway(address(), channelId);
    const replay = await call("world-cities", { limit: 1 }, voucher);
    const refused = paymentRequiredOf(replay);
    expect(refused.error).toBe("invalid_batch_settlement_evm_cumulative_amount_mismatch");
    expect(settlementOf(replay)).toBeUndefined();
    expect(await chargedOnGateway(address(), channelId)).toBe(before);
  });

  it("serves one voucher once when it is sent in several tool calls at once", async () => {
    const client = payerClient(storage);
    const args = { filter_name: "Paris", fields: "name" };
    const required = paymentRequiredOf(await call("world-cities", args));
    const voucher = await client.createPaymentPayload(required);
    expect(batchPayloadOf(voucher).type).toBe("voucher");
    const { channelId } = batchPayloadOf(voucher).voucher;
    const before = await chargedOnGateway(address(), channelId);
    const results = await Promise.all(Array.from({ length: 5 }, () => call("world-cities", args, voucher)));
    const served = results.filter((result) => !result.isError);
    expect(served).toHaveLength(1);
    for (const refused of results.filter((result) => result.isError)) {
      expect(paymentRequiredOf(refused).error).toMatch(/channel_busy|cumulative_amount_mismatch/);
    }
    expect(await chargedOnGateway(address(), channelId)).toBe(before + 1000n);
    await client.handlePaymentResponse({
      paymentPayload: voucher,
      requirements: voucher.accepted,
      settleResponse: settlementOf(served[0]!)!,
    });
  });

  it("does not charge a failed tool call: the channel's charged total does not move", async () => {
    const client = payerClient(storage);
    const opened = await paidCall(client, "metered", {});
    expect(opened.result.isError).toBeFalsy();
    const { channelId } = batchPayloadOf(opened.payloads[0]!).voucher;
    // Usage pricing: the voucher charged what the function reported, below the price.
    expect(settlementOf(opened.result)).toMatchObject({ extra: { chargedAmount: "400" } });
    const before = await chargedOnGateway(address(), channelId);
    expect(before).toBe(400n);

    const crashed = await paidCall(client, "crasher", {});
    expect(crashed.result.isError).toBe(true);
    expect(settlementOf(crashed.result)).toBeUndefined();
    const crasherChannel = batchPayloadOf(crashed.payloads[0]!).voucher.channelId;
    expect(await chargedOnGateway(address(), crasherChannel)).toBe(0n);

    // The metered channel goes on from where it was.
    const again = await paidCall(client, "metered", {});
    expect(batchPayloadOf(again.payloads[0]!).voucher.maxClaimableAmount).toBe("1400");
    expect(await chargedOnGateway(address(), channelId)).toBe(800n);
  });

  it("recovers a channel whose client state was lost, through the corrective 402 over MCP", async () => {
    const forgetful = payerClient(new InMemoryClientChannelStorage());
    const paid = await paidCall(forgetful, "world-cities", { limit: 1 });
    expect(paid.result.isError).toBeFalsy();
    expect(paid.payloads.length).toBe(2);
    expect(settlementOf(paid.result)).toMatchObject({ success: true, extra: { chargedAmount: "1000" } });
  });
});

describe("402claw mcp (stdio) paying with batch-settlement", () => {
  /** A desktop agent's session with `402claw mcp` (the official MCP client over stdio). */
  async function session(...flags: string[]) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(REPO_ROOT, "bin/402claw.js"), "mcp", ...flags],
      env: { ...(process.env as Record<string, string>), CLAW_ROOT: project.root },
      stderr: "pipe",
    });
    const output = { stderr: "" };
    transport.stderr?.on("data", (chunk) => (output.stderr += String(chunk)));
    const desktop = new Client({ name: "desktop-agent", version: "1.0.0" });
    await desktop.connect(transport);
    const use = async (name: string, args: Record<string, unknown> = {}) => {
      const result = (await desktop.callTool({ name, arguments: args })) as CallToolResult;
      return { result, text: result.content.map((part) => (part as { text: string }).text).join("\n") };
    };
    return { desktop, use, output };
  }

  /** A payer of its own, funded from the local token's faucet, so its channels start empty. */
  async function fundedPayer(): Promise<{ key: Hex; address: Address }> {
    const key = generatePrivateKey();
    const address = privateKeyToAccount(key).address;
    const faucet = createWalletClient({
      account: privateKeyToAccount(ROLES.deployer.privateKey),
      transport: http(stack.chain.rpcUrl),
    });
    const hash = await faucet.writeContract({
      address: stack.chain.asset,
      abi: usdc3009Abi,
      functionName: "mint",
      args: [address, 1_000_000n],
      chain: null,
    });
    await chain().waitForTransactionReceipt({ hash });
    return { key, address };
  }

  it("pays with vouchers after one deposit per API, counts what they charged against --budget, and reports deposits apart", async () => {
    const payer = await fundedPayer();
    const start = await balanceOf(stack, payer.address);
    const flags = [
      "--key",
      payer.key,
      "--max-per-call",
      "$0.001",
      "--budget",
      "$0.003",
      "--deposit",
      "$0.01",
    ];
    const { desktop, use, output } = await session(...flags);
    try {
      // --deposit asks for $0.01, but a deposit never locks more than is left of the budget.
      const cities = await use("world-cities", { filter_name: "Tokyo", fields: "name" });
      expect(cities.result.isError).toBeFalsy();
      expect(cities.result.structuredContent).toMatchObject({ data: [{ name: "Tokyo" }] });
      expect(cities.text).toContain(
        "paid $0.001 with a channel voucher, after depositing $0.003 into the payment channel (locked, not spent); spent $0.001 on 1 paid call; $0.002 of the $0.003 budget left",
      );
      expect(start - (await balanceOf(stack, payer.address))).toBe(3000n);

      // Usage pricing: the budget counts what the voucher charged ($0.0004), not the price.
      const metered = await use("metered");
      expect(metered.text).toContain(
        "paid $0.0004 with a channel voucher, after depositing $0.002 into the payment channel (locked, not spent); spent $0.0014 on 2 paid calls",
      );
      const afterDeposits = await chain().getBlockNumber();
      expect((await use("metered")).text).toContain(
        "paid $0.0004 with a channel voucher (no transaction); spent $0.0018 on 3 paid calls",
      );

      const failed = await use("crasher");
      expect(failed.result.isError).toBe(true);
      expect(failed.text).toContain("not charged; spent $0.0018 on 3 paid calls");

      expect((await use("world-cities", { limit: 1 })).text).toContain(
        "paid $0.001 with a channel voucher (no transaction); spent $0.0028 on 4 paid calls; $0.0002 of the $0.003 budget left",
      );
      expect(await transactionsSince(afterDeposits)).toBe(0);

      const over = await use("world-cities", { limit: 1 });
      expect(over.result.isError).toBe(true);
      expect(over.text).toContain(
        "not paid: the call costs $0.001 but only $0.0002 of the --budget $0.003 is left",
      );

      expect((await use("spending_report")).text).toBe(
        "spent $0.0028 on 4 paid calls; $0.0002 of the $0.003 budget left; $0.005 deposited into payment channels (locked, not spent: $0.0022 of the channels' balance is unspent, for later calls or withdrawal)",
      );
      // What the session reports spent is what the gateway's ledger charged this payer.
      const charged = (await vouchersOf(payer.address)).reduce(
        (sum, voucher) => sum + BigInt(voucher.amount),
        0n,
      );
      expect(charged).toBe(2800n);
      // The wallet paid the deposits only; the charges are drawn from them when claimed.
      expect(start - (await balanceOf(stack, payer.address))).toBe(5000n);
    } finally {
      await desktop.close();
    }
    await waitFor(
      async () => output.stderr.includes("402claw mcp: spent $0.0028 on 4 paid calls"),
      "the exit summary",
    );

    // A later session finds the channel on disk: a voucher, no deposit, no transaction.
    const later = await session("--key", payer.key, "--budget", "$0.003", "--deposit", "$0.01");
    try {
      const before = await chain().getBlockNumber();
      expect((await later.use("world-cities", { limit: 1 })).text).toContain(
        "paid $0.001 with a channel voucher (no transaction); spent $0.001 on 1 paid call",
      );
      expect(await transactionsSince(before)).toBe(0);
      // Calls an agent makes at once take turns on the channel (it takes one voucher at a time);
      // the channel is empty now, so one of them tops it up with what is left of the budget.
      const together = await Promise.all([1, 2].map((page) => later.use("world-cities", { limit: 1, page })));
      expect(together.map((call) => call.result.isError ?? false)).toEqual([false, false]);
      expect((await later.use("spending_report")).text).toBe(
        "spent $0.003 on 3 paid calls; $0.00 of the $0.003 budget left; $0.002 deposited into payment channels (locked, not spent: $0.00 of the channels' balance is unspent, for later calls or withdrawal)",
      );
    } finally {
      await later.desktop.close();
    }
    const charged = (await vouchersOf(payer.address)).reduce(
      (sum, voucher) => sum + BigInt(voucher.amount),
      0n,
    );
    expect(charged).toBe(2800n + 3000n);
  });

  it("with --exact, pays with exact although batch-settlement is offered", async () => {
    const payer = await fundedPayer();
    const { desktop, use } = await session("--key", payer.key, "--exact");
    try {
      const paid = await use("world-cities", { limit: 1 });
      expect(paid.text).toContain("paid $0.001; spent $0.001 on 1 paid call");
      expect(paid.result._meta?.["x402/payment-response"]).toMatchObject({ success: true });
      expect(await vouchersOf(payer.address)).toEqual([]);
    } finally {
      await desktop.close();
    }
  });
});
