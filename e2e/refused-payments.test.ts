import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, ROLES } from "../chain/accounts.ts";
import { randomNonce } from "../chain/sign-authorization.ts";
import { usdc3009Abi } from "../chain/usdc3009-abi.ts";
import { type SignedTerms, signPaymentPayload } from "../facilitator/payment-fixtures.ts";
import type { LocalStack } from "../local/stack.ts";
import type { ClaimInput } from "../runtime/ledger/payment-state.ts";
import {
  balanceOf as chainBalanceOf,
  flipByte,
  mineBlock,
  ledgerOf as stackLedgerOf,
} from "./support/chain.ts";
import { type CountingServer, startCountingServer } from "./support/counting-server.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// "A refused payment is never charged": on a real chain, with the real facilitator and gateway.
// Every refused payment must leave no ledger row (so it cannot burn the payer's nonce, and nothing
// can ever settle it later), and reconciliation must settle only payments that were sent for
// settlement, finishing everything else, however many bad rows there are.

/** Rows an older gateway could leave behind: claimed refusals, swept to `unknown`. */
const LEGACY_JUNK_ROWS = 120;
/** Junk payloads sent with random `from` addresses and far-future validity. */
const JUNK_PAYLOADS = 40;

let project: TempProject;
let stack: LocalStack;
let counter: CountingServer;
let payerKey: Hex;
let payer: Address;
let cities: PaymentRequirements;
let before: PaymentRequirements;
/** Tokens the valid payments in this file moved, per payTo, to check against the chain at the end. */
const charged = new Map<Address, bigint>();
/** (payer, nonce) of every refused payment, checked again after sweeping and reconciling. */
const refused: Array<{ from: Address; nonce: Hex; name: string; laterServed?: boolean }> = [];
const balancesAtStart = new Map<Address, bigint>();

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["counted-before"] });
  counter = await startCountingServer();
  stack = await startTestStack(project, { extraResolveOverrides: { "counter.402claw.test": counter.url } });
  const dev = stack.devFile as typeof stack.devFile & { payer: { address: Address; privateKey: Hex } };
  payerKey = dev.payer.privateKey;
  payer = dev.payer.address;
  cities = await quote("/world-cities?limit=1");
  before = await quote("/counted-before");
  for (const address of [payer, cities.payTo, before.payTo] as Address[])
    balancesAtStart.set(address, await balanceOf(address));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await counter?.stop();
  project?.remove();
});

const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });
const balanceOf = (owner: string) => chainBalanceOf(stack, owner);
const ledgerOf = (payer: string) => stackLedgerOf(stack, payer);

async function quote(path: string): Promise<PaymentRequirements> {
  const response = await fetch(`${stack.url}${path}`);
  expect(response.status).toBe(402);
  return decodePaymentRequiredHeader(response.headers.get("payment-required")!).accepts.find(
    (offer) => offer.scheme === "exact",
  )!;
}

/** Sends a payment for a path; returns the status and the refusal code, if any. */
async function pay(path: string, payload: PaymentPayload): Promise<{ status: number; reason?: string }> {
  const response = await fetch(`${stack.url}${path}`, {
    headers: { "payment-signature": encodePaymentSignatureHeader(payload) },
  });
  await response.arrayBuffer();
  const required = response.headers.get("payment-required");
  return {
    status: response.status,
    ...(required ? { reason: decodePaymentRequiredHeader(required).error } : {}),
  };
}

function authorizationOf(payload: PaymentPayload): { from: Address; nonce: Hex } {
  return (payload.payload as { authorization: { from: Address; nonce: Hex } }).authorization;
}

/** Sends a payment that must be refused, and checks it left nothing in the claimed payer's ledger. */
async function expectRefused(name: string, path: string, payload: PaymentPayload, reason: RegExp) {
  const outcome = await pay(path, payload);
  expect(outcome.status, name).toBe(402);
  expect(outcome.reason ?? "", name).toMatch(reason);
  const { from, nonce } = authorizationOf(payload);
  expect(await (await ledgerOf(from)).find(nonce), `${name}: a refused payment left a ledger row`).toBeNull();
  refused.push({ from, nonce, name });
}

async function expectServed(path: string, payload: PaymentPayload, requirements: PaymentRequirements) {
  const outcome = await pay(path, payload);
  expect(outcome, "the genuine payment must still be served").toEqual({ status: 200 });
  const { nonce } = authorizationOf(payload);
  for (const entry of refused) if (entry.nonce === nonce) entry.laterServed = true;
  const payTo = requirements.payTo as Address;
  charged.set(payTo, (charged.get(payTo) ?? 0n) + BigInt(requirements.amount));
}

function withSignature(payload: PaymentPayload, signature: Hex): PaymentPayload {
  return { ...payload, payload: { ...payload.payload, signature } };
}

/** Waits until D1 holds at least `count` rows in a state (ledgers export about 1 s after a change). */
async function waitForRows(state: string, count: number): Promise<void> {
  const db = await stack.mf.getD1Database("DB", "dispatch");
  await waitFor(
    async () => {
      const row = await db
        .prepare("SELECT COUNT(*) AS n FROM payments WHERE state = ?")
        .bind(state)
        .first<{ n: number }>();
      return (row?.n ?? 0) >= count;
    },
    `${count} ${state} payments in D1`,
    30_000,
  );
}

type Tamper = {
  name: string;
  reason: RegExp;
  tamper: (genuine: PaymentPayload, nonce: Hex) => Promise<PaymentPayload>;
};

/** Copies of a genuine payment, each broken in one way, all with the genuine payment's nonce. */
const TAMPERED: Tamper[] = [
  {
    name: "one byte of the signature flipped",
    reason: /signature/,
    tamper: async (genuine) =>
      withSignature(genuine, flipByte((genuine.payload as { signature: Hex }).signature, 7)),
  },
  {
    name: "signed by another key, claiming the payer as `from`",
    reason: /signature/,
    tamper: async (_genuine, nonce) =>
      signPaymentPayload(devAccount(5).privateKey, cities, { nonce, from: payer }),
  },
  {
    name: "signed for 1 token unit",
    reason: /value|amount/,
    tamper: async (_genuine, nonce) => signPaymentPayload(payerKey, cities, { nonce, value: 1n }),
  },
  {
    name: "signed to another recipient",
    reason: /recipient|pay_to/,
    tamper: async (_genuine, nonce) =>
      signPaymentPayload(payerKey, cities, { nonce, to: privateKeyToAccount(generatePrivateKey()).address }),
  },
  {
    name: "signed for another chain's domain",
    reason: /signature/,
    tamper: async (_genuine, nonce) => signPaymentPayload(payerKey, cities, { nonce, chainId: 8453 }),
  },
  {
    name: "validBefore too close to now",
    reason: /valid_before/,
    tamper: async (_genuine, nonce) =>
      signPaymentPayload(payerKey, cities, { nonce, validBefore: BigInt(Math.floor(Date.now() / 1000) + 2) }),
  },
];

describe("a refused payment is never claimed", () => {
  for (const { name, reason, tamper } of TAMPERED) {
    it(`a copy with ${name} is refused and does not burn the genuine payment's nonce`, async () => {
      const nonce = randomNonce();
      const genuine = await signPaymentPayload(payerKey, cities, { nonce });
      await expectRefused(name, "/world-cities?limit=1", await tamper(genuine, nonce), reason);
      await expectServed("/world-cities?limit=1", genuine, cities);
    });
  }

  it("a settle-before API verifies before it claims: a forged copy neither runs the API nor burns the nonce", async () => {
    const nonce = randomNonce();
    const genuine = await signPaymentPayload(payerKey, before, { nonce });
    const hits = counter.hits("/hit/counted-before");
    const forged = withSignature(genuine, flipByte((genuine.payload as { signature: Hex }).signature, 3));
    await expectRefused("settle-before forged copy", "/counted-before", forged, /signature/);
    expect(counter.hits("/hit/counted-before")).toBe(hits);
    await expectServed("/counted-before", genuine, before);
    expect(counter.hits("/hit/counted-before")).toBe(hits + 1);
  });

  it("a payment refused as not yet valid is never settled once it becomes valid, and still pays when sent again", async () => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const early = await signPaymentPayload(payerKey, cities, {
      validAfter: now + 3n,
      validBefore: now + 300n,
    });
    await expectRefused("not yet valid", "/world-cities?limit=1", early, /valid_after/);
    while (Date.now() / 1000 < Number(now) + 5) await new Promise((resolve) => setTimeout(resolve, 250));
    await mineBlock(stack); // anvil mines only on demand: let the chain's clock catch up with the wall clock
    await sweepAndReconcile([payer]);
    expect(await (await ledgerOf(payer)).find(authorizationOf(early).nonce)).toBeNull();
    // Nothing was claimed, so the payer may still use the authorization now that it is valid.
    await expectServed("/world-cities?limit=1", early, cities);
  });

  it("a payment refused for an empty balance is never settled after the payer is funded", async () => {
    const key = generatePrivateKey();
    const poor = privateKeyToAccount(key).address;
    await expectRefused(
      "insufficient balance",
      "/world-cities?limit=1",
      await signPaymentPayload(key, cities),
      /insufficient/,
    );
    // The local token's faucet: only its deployer may mint.
    const wallet = createWalletClient({
      account: privateKeyToAccount(ROLES.deployer.privateKey),
      transport: http(stack.chain.rpcUrl),
    });
    const hash = await wallet.writeContract({
      address: stack.chain.asset,
      abi: usdc3009Abi,
      functionName: "mint",
      args: [poor, 1_000_000n],
      chain: null,
    });
    await chain().waitForTransactionReceipt({ hash });
    await sweepAndReconcile([poor]);
    expect(await balanceOf(poor)).toBe(1_000_000n);
  });

  it(`${JUNK_PAYLOADS} junk payloads with random payers and far-future validity leave no rows anywhere`, async () => {
    const farFuture = BigInt(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400);
    for (let i = 0; i < JUNK_PAYLOADS; i++) {
      const key = generatePrivateKey();
      // Half are validly signed by unfunded wallets, half claim a `from` they did not sign for.
      const terms: SignedTerms =
        i % 2 === 0
          ? { validBefore: farFuture }
          : { validBefore: farFuture, from: privateKeyToAccount(generatePrivateKey()).address };
      await expectRefused(
        `junk payload ${i}`,
        "/world-cities?limit=1",
        await signPaymentPayload(key, cities, terms),
        /insufficient|signature/,
      );
    }
  });
});

describe("reconciliation", () => {
  it(`settles the real unknown payment behind ${LEGACY_JUNK_ROWS} rows that were never sent for settlement, and finishes those as failed`, async () => {
    const validBefore = Math.floor(Date.now() / 1000) + 3600;
    for (let i = 0; i < LEGACY_JUNK_ROWS; i++) {
      const junkPayer = privateKeyToAccount(generatePrivateKey()).address;
      const nonce = randomNonce();
      const ledger = await ledgerOf(junkPayer);
      // What the old gateway did with a refused payment: claim it, then the sweep made it unknown.
      await ledger.claim(junkPayer, claimOf(nonce, validBefore, "{}"));
      await ledger.advance(nonce, { state: "unknown", error: "no outcome recorded in time" });
      refused.push({ from: junkPayer, nonce, name: `legacy junk row ${i}` });
    }
    // A real payment whose settle answer was lost before it was broadcast.
    const real = await signPaymentPayload(payerKey, cities);
    const { nonce } = authorizationOf(real);
    const ledger = await ledgerOf(payer);
    await ledger.claim(payer, claimOf(nonce, validBefore, JSON.stringify(real)));
    await ledger.advance(nonce, { state: "settling" });
    await ledger.advance(nonce, { state: "unknown", error: "settle answer lost" });
    await waitForRows("unknown", LEGACY_JUNK_ROWS + 1);

    const { code, stdout, stderr } = await runCli(project, "reconcile");
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`${payer}:${nonce} → settled`);
    expect(stdout.match(/→ failed: never sent for settlement/g)).toHaveLength(LEGACY_JUNK_ROWS);
    expect(await ledger.find(nonce)).toMatchObject({
      state: "settled",
      txHash: expect.stringMatching(/^0x/),
    });
    charged.set(
      cities.payTo as Address,
      (charged.get(cities.payTo as Address) ?? 0n) + BigInt(cities.amount),
    );
    await waitForRows("failed", LEGACY_JUNK_ROWS);
    const db = await stack.mf.getD1Database("DB", "dispatch");
    await waitFor(
      async () =>
        (
          await db
            .prepare("SELECT COUNT(*) AS n FROM payments WHERE state = 'unknown'")
            .first<{ n: number }>()
        )?.n === 0,
      "no unknown payments left in D1",
    );
  });

  it("after sweeping every ledger and reconciling, no refused payment has a row or moved a token", async () => {
    await sweepAndReconcile([...new Set(refused.map((entry) => entry.from))]);
    for (const { from, nonce, name, laterServed } of refused) {
      const row = await (await ledgerOf(from)).find(nonce);
      // A refused copy's nonce is either free, finished unpaid, or used by its genuine payment.
      const allowed = laterServed ? ["settled"] : [null, "failed"];
      expect(allowed, `${name}: ${JSON.stringify(row)}`).toContain(row?.state ?? null);
    }
    expect(refused.length).toBeGreaterThanOrEqual(30 + LEGACY_JUNK_ROWS);
    const spent = [...charged.values()].reduce((sum, amount) => sum + amount, 0n);
    expect(await balanceOf(payer)).toBe(balancesAtStart.get(payer)! - spent);
    for (const payTo of [cities.payTo, before.payTo] as Address[]) {
      expect(await balanceOf(payTo), `balance of ${payTo}`).toBe(
        balancesAtStart.get(payTo)! + (charged.get(payTo) ?? 0n),
      );
    }
  });
});

function claimOf(nonce: Hex, validBefore: number, payloadJson: string): ClaimInput {
  return {
    nonce,
    apiSlug: "world-cities",
    payTo: cities.payTo,
    amount: cities.amount,
    network: cities.network,
    asset: cities.asset,
    settleMode: "after",
    validBefore,
    payloadJson,
  };
}

/** What time would do: every stuck payment in these ledgers is swept, exported, and reconciled. */
async function sweepAndReconcile(payers: readonly string[]): Promise<void> {
  for (const address of payers) await (await ledgerOf(address)).sweepStale(Date.now() + 10 * 60_000);
  const token = (stack.devFile as unknown as { admin: { token: string } }).admin.token;
  const response = await fetch(`${stack.url}/admin/reconcile`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  const { outcomes } = (await response.json()) as { outcomes: Array<{ to: string; payment: string }> };
  const settledRefusals = outcomes.filter(
    (outcome) =>
      outcome.to === "settled" && refused.some(({ from, nonce }) => outcome.payment === `${from}:${nonce}`),
  );
  expect(settledRefusals).toEqual([]);
}
