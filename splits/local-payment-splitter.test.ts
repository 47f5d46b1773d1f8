import {
  type Address,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, ROLES } from "../chain/accounts.ts";
import { freePort } from "../chain/free-port.ts";
import { localChain } from "../chain/local-chain.ts";
import { randomNonce, signTransferAuthorization } from "../chain/sign-authorization.ts";
import { type RunningLocalChain, startLocalChain } from "../chain/start-local-chain.ts";
import { usdc3009Abi } from "../chain/usdc3009-abi.ts";
import { checkSplitConsistency } from "./consistency.ts";
import { createLocalPaymentSplitter } from "./local-payment-splitter.ts";
import { localSplitFactoryAbi } from "./local-split-abi.ts";
import { ensureLocalSplitFactory, type LocalSplitFactory } from "./local-split-factory.ts";
import type { RevenueSplitter } from "./revenue-splitter.ts";
import { splitSalt } from "./split-salt.ts";
import { resolveSplitTerms, type SplitTerms } from "./split-terms.ts";

const creatorA = devAccount(3);
const creatorB = devAccount(4);
// A fresh platform wallet, so its balance is exactly what the splits paid it.
const platformWallet = privateKeyToAccount(generatePrivateKey()).address;

let chain: RunningLocalChain;
let client: PublicClient;
let factory: LocalSplitFactory;
let splitter: RevenueSplitter;

beforeAll(async () => {
  chain = await startLocalChain({ port: await freePort() });
  client = createPublicClient({
    chain: localChain(chain.chainId, chain.rpcUrl),
    transport: http(chain.rpcUrl),
  });
  factory = await ensureLocalSplitFactory({ rpcUrl: chain.rpcUrl, chainId: chain.chainId });
  splitter = createLocalPaymentSplitter({
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    factory,
    defaultSender: privateKeyToAccount(ROLES.deployer.privateKey),
  });
});

afterAll(async () => {
  await chain?.stop();
});

function terms(apiSlug: string, creator: Address, overrideBps?: number): SplitTerms {
  return resolveSplitTerms({
    apiSlug,
    creator,
    platformWallet,
    platformFeeBps: 1000,
    overrideBps,
    minBps: 500,
    maxBps: 3000,
  });
}

const tokenBalance = (owner: Address) =>
  client.readContract({ address: chain.asset, abi: erc20Abi, functionName: "balanceOf", args: [owner] });

// Pays `to` the way an x402 settlement does: the payer signs an EIP-3009 authorization and the
// facilitator submits transferWithAuthorization.
async function settlePayment(to: Address, value: bigint): Promise<void> {
  const payer = privateKeyToAccount(ROLES.payer.privateKey);
  const authorization = {
    from: payer.address,
    to,
    value,
    validAfter: 0n,
    validBefore: 2n ** 48n,
    nonce: randomNonce(),
  };
  const signature = await signTransferAuthorization(payer, chain.asset, chain.chainId, authorization);
  const facilitator = createWalletClient({
    chain: localChain(chain.chainId, chain.rpcUrl),
    transport: http(chain.rpcUrl),
    account: privateKeyToAccount(ROLES.facilitator.privateKey),
  });
  const hash = await facilitator.writeContract({
    address: chain.asset,
    abi: usdc3009Abi,
    functionName: "transferWithAuthorization",
    args: [
      authorization.from,
      authorization.to,
      authorization.value,
      authorization.validAfter,
      authorization.validBefore,
      authorization.nonce,
      signature,
    ],
  });
  expect((await client.waitForTransactionReceipt({ hash })).status).toBe("success");
}

describe("ensureLocalSplitFactory", () => {
  it("deploys once at a nonce-independent address and re-uses it", async () => {
    expect(await client.getCode({ address: factory.address })).toMatch(/^0x[0-9a-f]{100,}/);
    const again = await ensureLocalSplitFactory({ rpcUrl: chain.rpcUrl, chainId: chain.chainId });
    expect(again.address).toBe(factory.address);
    expect(again.txHash).toBeUndefined();
  });
});

describe("local PaymentSplitter stand-in", () => {
  it("predicts offline the address the factory computes and deploys to", async () => {
    const t = terms("prediction-check", creatorA.address, 2500);
    const predicted = await splitter.predictAddress(t);
    const onChain = await client.readContract({
      address: factory.address,
      abi: localSplitFactoryAbi,
      functionName: "predictSplitAddress",
      args: [t.creator, t.platform, 7500n, 2500n, splitSalt(t.apiSlug)],
    });
    expect(predicted).toBe(onChain);
    expect(await splitter.isDeployed(t)).toBe(false);

    const deployed = await splitter.ensureDeployed(t);
    expect(deployed.address).toBe(predicted);
    expect(deployed.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await splitter.isDeployed(t)).toBe(true);
    expect(await splitter.ensureDeployed(t)).toEqual({ address: predicted });
  });

  it("gives each API, owner and fee its own address", async () => {
    const addresses = await Promise.all([
      splitter.predictAddress(terms("weather", creatorA.address)),
      splitter.predictAddress(terms("weather", creatorB.address)),
      splitter.predictAddress(terms("weather", creatorA.address, 2000)),
      splitter.predictAddress(terms("quotes", creatorA.address)),
    ]);
    expect(new Set(addresses).size).toBe(4);
  });

  it("takes payments before it exists, then withdraws exactly the shares once", async () => {
    const t = terms("paid-before-deploy", creatorA.address); // 10% platform fee
    const split = await splitter.predictAddress(t);
    const payments = [400_002n, 600_003n]; // 1_000_005 units: 9000 bps of it is 900_004.5
    for (const value of payments) await settlePayment(split, value);
    const received = payments.reduce((a, b) => a + b, 0n);

    expect(await splitter.isDeployed(t)).toBe(false);
    expect(await splitter.balance(t, chain.asset)).toBe(received);

    const creatorBefore = await tokenBalance(t.creator);
    const platformBefore = await tokenBalance(platformWallet);
    const first = await splitter.withdrawCreatorShare(
      t,
      chain.asset,
      privateKeyToAccount(creatorA.privateKey),
    );
    expect(first.nothingToWithdraw).toBe(false);
    expect(first.txHashes).toHaveLength(3); // lazy deploy + two releases
    expect(first.creatorPaid).toBe((received * 9000n) / 10_000n);
    expect(first.creatorPaid).toBe(900_004n);
    expect(first.platformPaid).toBe(100_000n);
    expect(await tokenBalance(t.creator)).toBe(creatorBefore + 900_004n);
    expect(first.creatorWalletReceived).toBe(900_004n);
    expect(await tokenBalance(platformWallet)).toBe(platformBefore + 100_000n);
    // PaymentSplitter rounds each share down: the half units stay in the split as dust.
    expect(await splitter.balance(t, chain.asset)).toBe(1n);
    expect(first.message).toContain("paid 0.900004 to creator");

    const second = await splitter.withdrawCreatorShare(
      t,
      chain.asset,
      privateKeyToAccount(creatorA.privateKey),
    );
    expect(second).toMatchObject({
      txHashes: [],
      creatorPaid: 0n,
      platformPaid: 0n,
      nothingToWithdraw: true,
    });
    expect(second.message).toMatch(/^nothing to withdraw/);
    expect(await tokenBalance(t.creator)).toBe(creatorBefore + 900_004n);

    const consistency = checkSplitConsistency({
      settledSum: received,
      receivedBySplit: received,
      creatorPaid: first.creatorPaid + second.creatorPaid,
      platformPaid: first.platformPaid + second.platformPaid,
      balanceInSplit: await splitter.balance(t, chain.asset),
      dustTolerance: splitter.dustTolerance,
    });
    expect(consistency).toEqual({ ok: true, discrepancies: [] });

    // Dust is not lost: it counts toward the next withdrawal once more payments arrive.
    await settlePayment(split, 9n);
    const third = await splitter.withdrawCreatorShare(
      t,
      chain.asset,
      privateKeyToAccount(creatorA.privateKey),
    );
    expect(third.txHashes).toHaveLength(2);
    expect(third.creatorPaid + first.creatorPaid).toBe(((received + 9n) * 9000n) / 10_000n);
    expect(third.platformPaid + first.platformPaid).toBe(((received + 9n) * 1000n) / 10_000n);
  });

  it("pays two APIs with different owners and fees to the right wallets", async () => {
    const a = terms("two-owners-a", creatorA.address, 1500);
    const b = terms("two-owners-b", creatorB.address, 2000);
    await settlePayment(await splitter.predictAddress(a), 2_000_000n);
    await settlePayment(await splitter.predictAddress(b), 3_000_000n);
    const platformBefore = await tokenBalance(platformWallet);
    const bBefore = await tokenBalance(creatorB.address);

    const paidA = await splitter.withdrawCreatorShare(
      a,
      chain.asset,
      privateKeyToAccount(creatorA.privateKey),
    );
    const paidB = await splitter.withdrawCreatorShare(
      b,
      chain.asset,
      privateKeyToAccount(creatorB.privateKey),
    );
    expect([paidA.creatorPaid, paidA.platformPaid]).toEqual([1_700_000n, 300_000n]);
    expect([paidB.creatorPaid, paidB.platformPaid]).toEqual([2_400_000n, 600_000n]);
    expect(await tokenBalance(creatorB.address)).toBe(bBefore + 2_400_000n);
    expect(await tokenBalance(platformWallet)).toBe(platformBefore + 900_000n);
  });
});
