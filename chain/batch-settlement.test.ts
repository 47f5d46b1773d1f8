import { decodePaymentResponseHeader } from "@x402/core/http";
import { claimBatchTypes, refundTypes, voucherTypes } from "@x402/evm";
import { computeChannelId } from "@x402/evm/batch-settlement/client";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hash,
  type Hex,
  http,
  parseAbi,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FacilitatorHandle, startFacilitator } from "../facilitator/server.ts";
import { type AnvilHandle, blockTimeFromEnv, setBlockTime, startAnvil } from "./anvil.ts";
import {
  BATCH_SETTLEMENT_ADDRESS,
  BATCH_SETTLEMENT_GAS,
  batchSettlementAbi,
  type ChannelConfig,
  ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
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

const stoppers: Array<() => Promise<void>> = [];

// A fresh chain and facilitator; the helpers below use the latest one.
async function startChain(): Promise<void> {
  anvil = await startAnvil({ port: await freePort() });
  stoppers.push(anvil.stop);
  chain = await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId });
  // CHAIN_BLOCK_TIME=2 runs the same tests on 2-second blocks, as on Base.
  await setBlockTime(anvil.rpcUrl, blockTimeFromEnv());
  facilitator = await startFacilitator({
    port: 0,
    rpcUrl: anvil.rpcUrl,
    chainId: anvil.chainId,
    privateKey: chain.facilitator.privateKey,
    pollingIntervalMs: 20,
  });
  stoppers.unshift(facilitator.stop);
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  for (const stop of stoppers) await stop();
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

// Gas is deterministic on anvil: each measured cost must stay within 10% of the documented one.
function expectGas(operation: keyof typeof BATCH_SETTLEMENT_GAS, used: bigint): void {
  const documented = BATCH_SETTLEMENT_GAS[operation];
  expect(Number(used), `${operation}: measured ${used}, documented ${documented}`).toBeGreaterThan(
    documented * 0.9,
  );
  expect(Number(used), `${operation}: measured ${used}, documented ${documented}`).toBeLessThan(
    documented * 1.1,
  );
}

async function paidCall(pay: typeof fetch, url: string) {
  const response = await pay(url);
  const header = response.headers.get("payment-response");
  const settlement = header ? decodePaymentResponseHeader(header) : undefined;
  return { status: response.status, body: await response.text(), settlement };
}

describe("batch-settlement on the local chain with the unmodified x402 SDK", () => {
  beforeAll(startChain);

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

    expectGas("deposit", depositGas);
    expectGas("topUp", await gasOf(sixth.settlement?.transaction ?? ""));
    expectGas("firstSettle", await gasOf(settled.transaction));
  });

  it("claims many channels in batches and settles them to the receiver in one transfer", async () => {
    const api = await server();
    const receiver = api.scheme.getReceiverAddress();
    const payers = [];
    for (let i = 0; i < 5; i++) {
      payers.push(batchPayer({ chain, privateKey: await newPayerKey(), depositUnits: DEPOSIT }));
    }
    // Payer i makes i+1 calls.
    for (const [i, payer] of payers.entries()) {
      for (let n = 0; n <= i; n++) expect((await paidCall(payer.fetch, api.url)).status).toBe(200);
    }
    const charged = 15n * PRICE;

    const claims = await api.manager.claim({ maxClaimsPerBatch: 4 });
    expect(claims.map((c) => c.vouchers)).toEqual([4, 1]);
    for (const [i, payer] of payers.entries()) {
      const id = computeChannelId(channelConfigFor(payer.address, receiver), chain.network);
      expect((await channelOnChain(id)).totalClaimed).toBe(BigInt(i + 1) * PRICE);
    }
    expect(await api.manager.claim()).toEqual([]); // nothing left outstanding
    const settled = await api.manager.settle();
    expect(await balanceOf(receiver)).toBe(charged);
    const [totalClaimed, totalSettled] = await publicClient().readContract({
      address: BATCH_SETTLEMENT_ADDRESS,
      abi: batchSettlementAbi,
      functionName: "receivers",
      args: [receiver, chain.asset],
    });
    expect({ totalClaimed, totalSettled }).toEqual({ totalClaimed: charged, totalSettled: charged });

    const [four, one] = [
      await gasOf(claims[0]?.transaction ?? ""),
      await gasOf(claims[1]?.transaction ?? ""),
    ];
    expectGas("claimPerRow", (four - one) / 3n);
    expectGas("claimBase", one - (four - one) / 3n);
    expectGas("firstSettle", await gasOf(settled.transaction));

    // Later rounds for the same receiver: its claimed total and token balance are no longer zero.
    for (const payer of payers.slice(0, 2)) expect((await paidCall(payer.fetch, api.url)).status).toBe(200);
    await api.manager.claim();
    expectGas("settle", await gasOf((await api.manager.settle()).transaction));
  });

  it("refunds the unclaimed rest cooperatively, claiming what was charged first", async () => {
    const api = await server();
    const receiver = api.scheme.getReceiverAddress();
    const payer = batchPayer({ chain, privateKey: await newPayerKey(), depositUnits: DEPOSIT });
    const start = await balanceOf(payer.address);
    for (let i = 0; i < 3; i++) expect((await paidCall(payer.fetch, api.url)).status).toBe(200);
    const id = computeChannelId(channelConfigFor(payer.address, receiver), chain.network);

    const refunds = await api.manager.refund([id]);
    expect(refunds).toHaveLength(1);
    expect(await channelOnChain(id)).toEqual({ balance: 3n * PRICE, totalClaimed: 3n * PRICE });
    expect(await balanceOf(payer.address)).toBe(start - 3n * PRICE);
    await api.manager.settle();
    expect(await balanceOf(receiver)).toBe(3n * PRICE);

    // SDK behaviour worth knowing (x402 2.27): a client that still holds its pre-refund channel
    // state signs past the refunded balance and is refused with cumulative_exceeds_balance (not
    // the corrective 402), charging nothing. Dropping its channel record lets it recover from the
    // chain, top up the same channel and pay.
    const stale = await paidCall(payer.fetch, api.url);
    expect(stale.status).toBe(402);
    expect(api.served()).toBe(3);
    await payer.storage.delete(id.toLowerCase());
    const again = await paidCall(payer.fetch, api.url);
    expect(again.status).toBe(200);
    expect(again.settlement?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await channelOnChain(id)).toEqual({ balance: 3n * PRICE + DEPOSIT, totalClaimed: 3n * PRICE });
  });

  it("lets the payer ask for its refund through the server (client-initiated cooperative refund)", async () => {
    const api = await server();
    const payer = batchPayer({ chain, privateKey: await newPayerKey(), depositUnits: DEPOSIT });
    const start = await balanceOf(payer.address);
    for (let i = 0; i < 2; i++) expect((await paidCall(payer.fetch, api.url)).status).toBe(200);
    const refunded = await payer.scheme.refund(api.url);
    expect(refunded).toMatchObject({ success: true, amount: (DEPOSIT - 2n * PRICE).toString() });
    expect(await balanceOf(payer.address)).toBe(start - 2n * PRICE);
    expect(api.served()).toBe(2); // the refund request did not reach the paid route
  });

  it("refuses a voucher above the channel's deposit, charging nothing", async () => {
    const api = await server();
    const receiver = api.scheme.getReceiverAddress();
    const key = await newPayerKey();
    const payer = batchPayer({ chain, privateKey: key, depositUnits: DEPOSIT });
    expect((await paidCall(payer.fetch, api.url)).status).toBe(200);

    // Hand-made voucher for far more than the deposit, sent as the x402 client would send it.
    const probe = await fetch(api.url);
    expect(probe.status).toBe(402);
    const required = JSON.parse(atob(probe.headers.get("payment-required") ?? "")) as {
      accepts: Array<{ scheme: string }>;
    };
    const accepted = required.accepts.find((a) => a.scheme === "batch-settlement");
    const config = channelConfigFor(payer.address, receiver);
    const channelId = computeChannelId(config, chain.network);
    const { signVoucher } = await import("@x402/evm/batch-settlement/client");
    const { toClientEvmSigner } = await import("@x402/evm");
    const { encodePaymentSignatureHeader } = await import("@x402/core/http");
    const tooMuch = (DEPOSIT * 10n).toString();
    const voucher = await signVoucher(
      toClientEvmSigner(privateKeyToAccount(key)),
      channelId,
      tooMuch,
      chain.network,
    );
    const header = encodePaymentSignatureHeader({
      x402Version: 2,
      accepted: accepted as never,
      payload: { type: "voucher", channelConfig: config, voucher },
    } as never);
    const refused = await fetch(api.url, { headers: { "payment-signature": header } });
    expect(refused.status).toBe(402);
    expect(api.served()).toBe(1);

    // The honest client carries on from its real cumulative total; the server charged nothing extra.
    expect((await paidCall(payer.fetch, api.url)).status).toBe(200);
    await api.manager.claim();
    expect((await channelOnChain(channelId)).totalClaimed).toBe(2n * PRICE);
  });

  it("recovers a client that lost its channel state from the chain and the server's corrective 402", async () => {
    const api = await server();
    const receiver = api.scheme.getReceiverAddress();
    const key = await newPayerKey();
    const first = batchPayer({ chain, privateKey: key, depositUnits: DEPOSIT });
    for (let i = 0; i < 3; i++) expect((await paidCall(first.fetch, api.url)).status).toBe(200);
    const txs = await txCount();

    // Same wallet, empty local storage (a new machine, a wiped disk).
    const amnesiac = batchPayer({ chain, privateKey: key, depositUnits: DEPOSIT });
    const call = await paidCall(amnesiac.fetch, api.url);
    expect(call.status).toBe(200);
    expect(call.settlement?.transaction).toBe(""); // a voucher, not a second deposit
    expect(await txCount()).toBe(txs);
    expect(api.served()).toBe(4);

    await api.manager.claim();
    const id = computeChannelId(channelConfigFor(amnesiac.address, receiver), chain.network);
    expect(await channelOnChain(id)).toEqual({ balance: DEPOSIT, totalClaimed: 4n * PRICE });
  });

  it("refuses claims, refunds and collections that lack the right signature or caller", async () => {
    const api = await server();
    const receiver = api.scheme.getReceiverAddress();
    const key = await newPayerKey();
    const payer = batchPayer({ chain, privateKey: key, depositUnits: DEPOSIT });
    for (let i = 0; i < 2; i++) expect((await paidCall(payer.fetch, api.url)).status).toBe(200);
    const config = channelConfigFor(payer.address, receiver);
    const channelId = computeChannelId(config, chain.network);
    const record = await api.scheme.getStorage().get(channelId);
    const signed = {
      maxClaimableAmount: BigInt(record?.signedMaxClaimable ?? 0),
      signature: record?.signature as Hex,
    };
    expect(signed.maxClaimableAmount).toBe(2n * PRICE);
    const row = (totalClaimed: bigint, signature = signed.signature) => ({
      voucher: { channel: config, maxClaimableAmount: signed.maxClaimableAmount },
      signature,
      totalClaimed,
    });
    const domain = {
      name: "x402 Batch Settlement",
      version: "1",
      chainId: anvil.chainId,
      verifyingContract: BATCH_SETTLEMENT_ADDRESS,
    } as const;
    const signBatch = (signerKey: Hex, totalClaimed: bigint) =>
      privateKeyToAccount(signerKey).signTypedData({
        domain,
        types: claimBatchTypes,
        primaryType: "ClaimBatch",
        message: { claims: [{ channelId, maxClaimableAmount: signed.maxClaimableAmount, totalClaimed }] },
      });
    const stranger = privateKeyToAccount(`0x${"7".repeat(64)}`).address;
    const simulate = (functionName: string, args: readonly unknown[], account: Address = stranger) =>
      publicClient().simulateContract({
        address: BATCH_SETTLEMENT_ADDRESS,
        abi: batchSettlementAbi,
        functionName: functionName as never,
        args: args as never,
        account,
      });

    // The right authorizer signature works (simulated), and is the only thing that does.
    await simulate("claimWithSignature", [
      [row(2n * PRICE)],
      await signBatch(LOCAL_RECEIVER_AUTHORIZER.privateKey, 2n * PRICE),
    ]);
    await expect(
      simulate("claimWithSignature", [[row(2n * PRICE)], await signBatch(key, 2n * PRICE)]),
    ).rejects.toThrow(/InvalidAuthorizerSignature/);
    // A signature for one total does not authorize another.
    await expect(
      simulate("claimWithSignature", [
        [row(PRICE)],
        await signBatch(LOCAL_RECEIVER_AUTHORIZER.privateKey, 2n * PRICE),
      ]),
    ).rejects.toThrow(/InvalidAuthorizerSignature/);
    // Above the voucher's ceiling, or with a voucher the payer did not sign.
    await expect(
      simulate("claimWithSignature", [
        [row(3n * PRICE)],
        await signBatch(LOCAL_RECEIVER_AUTHORIZER.privateKey, 3n * PRICE),
      ]),
    ).rejects.toThrow(/ClaimAboveVoucher/);
    const forged = await privateKeyToAccount(`0x${"7".repeat(64)}`).signTypedData({
      domain,
      types: voucherTypes,
      primaryType: "Voucher",
      message: { channelId, maxClaimableAmount: signed.maxClaimableAmount },
    });
    await expect(simulate("claim", [[row(2n * PRICE, forged)]], receiver)).rejects.toThrow(
      /InvalidVoucherSignature/,
    );
    // Direct claims and refunds belong to the receiver side only.
    await expect(simulate("claim", [[row(2n * PRICE)]])).rejects.toThrow(/NotReceiverSide/);
    await simulate("claim", [[row(2n * PRICE)]], receiver);
    await expect(simulate("refund", [config, 1n])).rejects.toThrow(/NotReceiverSide/);
    // A signed refund needs the current nonce and the authorizer's signature.
    const refundSig = (nonce: bigint, signerKey: Hex = LOCAL_RECEIVER_AUTHORIZER.privateKey) =>
      privateKeyToAccount(signerKey).signTypedData({
        domain,
        types: refundTypes,
        primaryType: "Refund",
        message: { channelId, nonce, amount: 1n },
      });
    await simulate("refundWithSignature", [config, 1n, 0n, await refundSig(0n)]);
    await expect(simulate("refundWithSignature", [config, 1n, 1n, await refundSig(1n)])).rejects.toThrow(
      /InvalidRefundNonce/,
    );
    await expect(simulate("refundWithSignature", [config, 1n, 0n, await refundSig(0n, key)])).rejects.toThrow(
      /InvalidAuthorizerSignature/,
    );
    // Only the payer side may start a withdrawal; only the settlement contract may use the collector.
    await expect(simulate("initiateWithdraw", [config, 1n])).rejects.toThrow(/NotPayerSide/);
    await expect(
      publicClient().simulateContract({
        address: ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
        abi: parseAbi([
          "function collect(address payer, address token, uint256 amount, bytes32 channelId, bytes data)",
          "error OnlySettlement(address caller)",
        ]),
        functionName: "collect",
        args: [payer.address, chain.asset, 1n, channelId, "0x"],
        account: stranger,
      }),
    ).rejects.toThrow(/OnlySettlement/);
  });

  it("still serves clients that only know exact, at the same price and payTo", async () => {
    const api = await server();
    const receiver = api.scheme.getReceiverAddress();
    const payer = batchPayer({ chain, privateKey: await newPayerKey(), exactOnly: true });
    const call = await paidCall(payer.fetch, api.url);
    expect(call.status).toBe(200);
    expect(call.settlement?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await balanceOf(receiver)).toBe(PRICE);
    // A second payment to a receiver that already holds tokens: the steady-state cost.
    const second = await paidCall(payer.fetch, api.url);
    expect(await balanceOf(receiver)).toBe(2n * PRICE);
    expectGas("exact", await gasOf(second.settlement?.transaction ?? ""));
  });
});

// Moves the chain's clock past the withdrawal delay, so it runs on a chain of its own (deposits
// signed against the wall clock would read as expired on a chain 15 minutes ahead).
describe("the payer's timed withdrawal", () => {
  beforeAll(startChain);

  it("keeps the payer's timed withdrawal working: the server claims in the grace period, the payer gets the rest", async () => {
    const api = await server();
    const receiver = api.scheme.getReceiverAddress();
    const key = await newPayerKey();
    const payer = batchPayer({ chain, privateKey: key, depositUnits: DEPOSIT });
    const start = await balanceOf(payer.address);
    for (let i = 0; i < 2; i++) expect((await paidCall(payer.fetch, api.url)).status).toBe(200);
    const config = channelConfigFor(payer.address, receiver);
    const id = computeChannelId(config, chain.network);

    const account = privateKeyToAccount(key);
    const wallet = createWalletClient({
      chain: localChain(anvil.chainId, anvil.rpcUrl),
      transport: http(anvil.rpcUrl),
      account,
    });
    await rpc("anvil_setBalance", [account.address, "0x56BC75E2D63100000"]); // 100 ETH for gas
    const write = async (functionName: "initiateWithdraw" | "finalizeWithdraw", args: readonly unknown[]) => {
      const hash = await wallet.writeContract({
        address: BATCH_SETTLEMENT_ADDRESS,
        abi: batchSettlementAbi,
        functionName,
        args: args as never,
      });
      return publicClient().waitForTransactionReceipt({ hash });
    };
    // More than the unclaimed escrow is refused; the whole unclaimed escrow is fine.
    await expect(write("initiateWithdraw", [config, DEPOSIT + 1n])).rejects.toThrow(/AmountAboveUnclaimed/);
    expect((await write("initiateWithdraw", [config, DEPOSIT])).status).toBe("success");
    // Too early to finalize.
    await expect(write("finalizeWithdraw", [config])).rejects.toThrow(/WithdrawDelayNotElapsed/);

    // The server still claims what it charged during the delay.
    expect(await api.manager.claim()).toHaveLength(1);
    await rpc("evm_increaseTime", [LOCAL_WITHDRAW_DELAY_SECONDS]);
    await rpc("evm_mine");
    expect((await write("finalizeWithdraw", [config])).status).toBe("success");
    expect(await channelOnChain(id)).toEqual({ balance: 2n * PRICE, totalClaimed: 2n * PRICE });
    expect(await balanceOf(payer.address)).toBe(start - 2n * PRICE);
    await api.manager.settle();
    expect(await balanceOf(receiver)).toBe(2n * PRICE);
  });
});
