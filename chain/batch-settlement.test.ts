import { decodePaymentResponseHeader } from "@x402/core/http";
import { computeChannelId } from "@x402/evm/batch-settlement/client";
import { type Address, createPublicClient, createWalletClient, type Hash, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FacilitatorHandle, startFacilitator } from "../facilitator/server.ts";
import { devAccount } from "./accounts.ts";
import { type AnvilHandle, startAnvil } from "./anvil.ts";
import {
  BATCH_SETTLEMENT_ADDRESS,
  BATCH_SETTLEMENT_GAS,
  batchSettlementAbi,
  type ChannelConfig,
  LOCAL_RECEIVER_AUTHORIZER,
  LOCAL_WITHDRAW_DELAY_SECONDS,
} from "./batch-settlement.ts";
import { batchPayer, type PaidServer, startPaidServer } from "./batch-settlement-harness.ts";
import { ensureLocalChain, type LocalChain } from "./deploy.ts";
import { freePort } from "./free-port.ts";
import { localChain } from "./local-chain.ts";
import { usdc3009Abi } from "./usdc3009-abi.ts";

// Tests the local contracts with the unmodified x402 client, server and facilitator: every
// payment here is made by @x402/fetch + @x402/evm's batch-settlement client scheme, checked by
// its server scheme behind @x402/hono, and relayed by our HTTP facilitator.

const PRICE = 1_000n; // $0.001
const DEPOSIT = 5_000n; // five calls' worth, so top-ups happen quickly

let anvil: AnvilHandle;
let chain: LocalChain;
let facilitator: FacilitatorHandle;
const servers: PaidServer[] = [];
let nextPayer = 0;

beforeAll(async () => {
  anvil = await startAnvil({ port: await freePort() });
  chain = await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId });
  facilitator = await startFacilitator({
    port: 0,
    rpcUrl: anvil.rpcUrl,
    chainId: anvil.chainId,
    privateKey: chain.facilitator.privateKey,
    pollingIntervalMs: 20,
  });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await facilitator?.stop();
  await anvil?.stop();
});

function publicClient() {
  return createPublicClient({
    chain: localChain(anvil.chainId, anvil.rpcUrl),
    transport: http(anvil.rpcUrl),
  });
}

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(anvil.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

async function balanceOf(account: Address): Promise<bigint> {
  return publicClient().readContract({
    address: chain.asset,
    abi: usdc3009Abi,
    functionName: "balanceOf",
    args: [account],
  });
}

// A fresh payer key per test (anvil's mnemonic past the funded ten), holding test USDC only.
async function newPayerKey(units = 1_000_000n): Promise<Hex> {
  const index = 100 + nextPayer++;
  const { mnemonicToAccount } = await import("viem/accounts");
  const { toHex } = await import("viem");
  const hd = mnemonicToAccount("test test test test test test test test test test test junk", {
    addressIndex: index,
  });
  const key = toHex(hd.getHdKey().privateKey as Uint8Array);
  const wallet = createWalletClient({
    chain: localChain(anvil.chainId, anvil.rpcUrl),
    transport: http(anvil.rpcUrl),
    account: privateKeyToAccount(chain.deployer.privateKey),
  });
  const hash = await wallet.writeContract({
    address: chain.asset,
    abi: usdc3009Abi,
    functionName: "mint",
    args: [hd.address, units],
  });
  await publicClient().waitForTransactionReceipt({ hash });
  return key;
}

// A fresh receiver per server: a plain address standing in for an API's split.
function newReceiver(): Address {
  return privateKeyToAccount(`0x${(0xbeef0000 + nextPayer++).toString(16).padStart(64, "0")}`).address;
}

async function server(payTo = newReceiver()): Promise<PaidServer> {
  const s = await startPaidServer({
    chain,
    facilitatorUrl: facilitator.url,
    payTo,
    amount: PRICE.toString(),
  });
  servers.push(s);
  return s;
}

async function channelOnChain(channelId: Hex) {
  const [balance, totalClaimed] = await publicClient().readContract({
    address: BATCH_SETTLEMENT_ADDRESS,
    abi: batchSettlementAbi,
    functionName: "channels",
    args: [channelId],
  });
  return { balance, totalClaimed };
}

function channelConfigFor(payer: Address, receiver: Address): ChannelConfig {
  return {
    payer,
    payerAuthorizer: payer,
    receiver,
    receiverAuthorizer: LOCAL_RECEIVER_AUTHORIZER.address,
    token: chain.asset,
    withdrawDelay: LOCAL_WITHDRAW_DELAY_SECONDS,
    salt: `0x${"00".repeat(32)}`,
  };
}

async function txCount(): Promise<number> {
  return publicClient().getTransactionCount({ address: chain.facilitator.address });
}

async function gasOf(hash: string): Promise<bigint> {
  return (await publicClient().getTransactionReceipt({ hash: hash as Hash })).gasUsed;
}

async function paidCall(pay: typeof fetch, url: string) {
  const response = await pay(url);
  const header = response.headers.get("payment-response");
  const settlement = header ? decodePaymentResponseHeader(header) : undefined;
  return { status: response.status, body: await response.text(), settlement };
}

describe("batch-settlement on the local chain with the unmodified x402 SDK", () => {
  it("deposits once, pays later calls with vouchers, tops up, claims and settles exactly what was charged", async () => {
    const api = await server();
    const payer = batchPayer({ chain, privateKey: await newPayerKey(), depositUnits: DEPOSIT });
    const receiver = api.scheme.getReceiverAddress();
    const before = { payer: await balanceOf(payer.address), txs: await txCount() };

    const first = await paidCall(payer.fetch, api.url);
    expect(first.status).toBe(200);
    expect(first.settlement).toMatchObject({ success: true, amount: DEPOSIT.toString() });
    expect(first.settlement?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    const depositGas = await gasOf(first.settlement?.transaction ?? "");

    // Four more calls fit the deposit: vouchers only, no transaction.
    for (let i = 0; i < 4; i++) {
      const call = await paidCall(payer.fetch, api.url);
      expect(call.status).toBe(200);
      expect(call.settlement).toMatchObject({ success: true, transaction: "" });
    }
    expect(await txCount()).toBe(before.txs + 1);
    // The sixth call exceeds the deposit: the client tops up (a second deposit transaction).
    const sixth = await paidCall(payer.fetch, api.url);
    expect(sixth.status).toBe(200);
    expect(sixth.settlement?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await txCount()).toBe(before.txs + 2);
    expect(api.served()).toBe(6);

    const channelId = computeChannelId(channelConfigFor(payer.address, receiver), chain.network);
    expect(await channelOnChain(channelId)).toEqual({ balance: 2n * DEPOSIT, totalClaimed: 0n });
    expect(await balanceOf(payer.address)).toBe(before.payer - 2n * DEPOSIT);

    const claims = await api.manager.claim();
    expect(claims).toHaveLength(1);
    expect(claims[0]?.vouchers).toBe(1);
    expect(await channelOnChain(channelId)).toEqual({ balance: 2n * DEPOSIT, totalClaimed: 6n * PRICE });
    expect(await balanceOf(receiver)).toBe(0n); // claimed is accounting only

    const settled = await api.manager.settle();
    expect(settled.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await balanceOf(receiver)).toBe(6n * PRICE);
    // Settling again moves nothing.
    await expect(api.manager.settle()).rejects.toThrow(/nothing_to_settle/);
    expect(await balanceOf(receiver)).toBe(6n * PRICE);

    console.log(
      `gas: deposit ${depositGas}, claim(1 row) ${await gasOf(claims[0]?.transaction ?? "")}, settle ${await gasOf(settled.transaction)}`,
    );
    expect(Number(depositGas)).toBeLessThan(BATCH_SETTLEMENT_GAS.deposit * 1.1);
  });
});
