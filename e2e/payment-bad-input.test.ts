import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import {
  createPaymentPayload,
  createPaymentPayloadWithWindow,
  type SignedTerms,
  signPaymentPayload,
} from "../facilitator/payment-fixtures.ts";
import type { LocalStack } from "../local/stack.ts";
import { balanceOf as chainBalanceOf, flipByte, ledgerOf } from "./support/chain.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";

// Hostile and broken payment headers against a real paid API. Each one must be refused with a
// 4xx that names the problem, quickly, and without moving money or running the creator; the
// money check runs once at the end so one stray charge anywhere in the corpus is caught.

const TARGET = "/world-cities?limit=1";
/** "Answered within a few seconds": a verify on the local chain takes tens of milliseconds. */
const ANSWER_WITHIN_MS = 5_000;
/** A hung request is aborted here so it fails as a hang instead of eating the test timeout. */
const HANG_MS = 15_000;
/** The payer ledgers export to D1 about 1 s after a payment finishes. */
const EXPORT_WAIT_MS = 2_500;
/** Copies of one payment raced at the gateway: the ledger claim must let exactly one through. */
const CONCURRENT_COPIES = 4;
/** Valid payments the corpus makes on purpose (replay test + concurrent test), each charged once. */
const VALID_PAYMENTS = 2;

let project: TempProject;
let stack: LocalStack;
let payerKey: Hex;
let payer: Address;
/** world-cities' requirements, exactly as its 402 offers them. */
let cities: PaymentRequirements;
/** fx-convert's requirements: a real offer, but for another API. */
let fx: PaymentRequirements;
let chainId: number;
/** Never funded and never used by anything else: the "insufficient balance" signer. */
const unfundedKey = generatePrivateKey();
/** Some wallet that is not any API's payTo. */
const stranger = privateKeyToAccount(generatePrivateKey()).address;
const balancesBefore = new Map<Address, bigint>();
let watched: Address[] = [];

/** What each request got back, for the machine-readable check and the failure messages. */
interface Outcome {
  name: string;
  status: number;
  reason: string | undefined;
  ms: number;
  body: string;
}
const outcomes: Outcome[] = [];
/** (from, nonce) of every refused payment that names them, to check that none was claimed. */
const refusedAuthorizations: Array<{ name: string; from: string; nonce: string }> = [];

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project);
  const dev = stack.devFile as typeof stack.devFile & { payer: { address: Address; privateKey: Hex } };
  payerKey = dev.payer.privateKey;
  payer = dev.payer.address;
  chainId = stack.chain.chainId;
  cities = await quote(TARGET);
  fx = await quote("/fx-convert?from=EUR&to=GBP&amount=10");
  watched = [
    payer,
    stranger,
    privateKeyToAccount(unfundedKey).address,
    ...stack.devFile.apis.map((api) => api.payTo as Address),
  ];
  for (const address of watched) balancesBefore.set(address, await chainBalanceOf(stack, address));
});

afterAll(async () => {
  if (outcomes.length) console.table(outcomes.map(({ body: _body, ...row }) => row));
  await stack?.stop();
  project?.remove();
});

// ---------------------------------------------------------------------------------------------
// Building payments

/** The `exact` requirements an API's unpaid 402 offers (batch-settlement is offered first). */
async function quote(path: string): Promise<PaymentRequirements> {
  const response = await fetch(`${stack.url}${path}`);
  expect(response.status).toBe(402);
  const required = decodePaymentRequiredHeader(response.headers.get("payment-required") ?? "");
  const offer = required.accepts.find((offer) => offer.scheme === "exact");
  if (!offer) throw new Error(`${path} offered no payment requirements`);
  return offer;
}

interface PaymentShape {
  /** The terms the payload claims it accepted (default: world-cities' real offer). */
  accepted?: PaymentRequirements;
  /** What the signature actually covers, where it departs from `accepted`. */
  signed?: SignedTerms;
  /** The key that signs (default: the funded demo payer). */
  key?: Hex;
  /** The `from` the authorization claims (default: the signer's address). */
  from?: Address;
}

/**
 * A hand-signed EIP-3009 payment. By default everything agrees with `accepted`, so a case only
 * states the one thing it gets wrong; the official client is not used here because it refuses
 * to sign most of these.
 */
async function signedPayment(shape: PaymentShape = {}): Promise<PaymentPayload> {
  const accepted = shape.accepted ?? cities;
  const evmChain = /^eip155:(\d+)$/.exec(accepted.network)?.[1];
  const payload = await signPaymentPayload(shape.key ?? payerKey, accepted, {
    chainId: evmChain ? Number(evmChain) : chainId,
    ...(shape.from ? { from: shape.from } : {}),
    ...shape.signed,
  });
  return {
    ...payload,
    resource: { url: `${stack.url}/world-cities`, description: "World Cities", mimeType: "application/json" },
  };
}

type Json = Record<string, unknown>;

/** A valid payment with one part broken by `edit` (on a JSON copy, so shapes the types forbid are allowed). */
async function broken(edit: (payload: Json, authorization: Json) => void): Promise<Json> {
  const payload = JSON.parse(JSON.stringify(await signedPayment())) as Json;
  edit(payload, (payload.payload as Json).authorization as Json);
  return payload;
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

const sig = (value: unknown) => ({
  "payment-signature": encodePaymentSignatureHeader(value as PaymentPayload),
});
const withRequirements = (overrides: Partial<PaymentRequirements>) => ({ ...cities, ...overrides });

// ---------------------------------------------------------------------------------------------
// The corpus

interface BadInput {
  name: string;
  headers: () => Promise<Record<string, string>>;
  status: 400 | 402;
  /** What the reason must say, matched against its snake_case form ("No Match" → "no_match"). */
  reason: RegExp;
}

const requirementsMismatch = /no_matching_payment_requirements|mismatch/;

const CORPUS: BadInput[] = [
  // The header itself.
  {
    name: "header is not base64",
    headers: async () => ({ "payment-signature": "%%% not base64 at all %%%" }),
    status: 402,
    reason: /invalid|malformed|base64|decode/,
  },
  {
    name: "base64 of text that is not JSON",
    headers: async () => ({ "payment-signature": base64("this is not json {") }),
    status: 402,
    reason: /invalid|malformed|json|decode/,
  },
  {
    name: "JSON number instead of a payload object",
    headers: async () => ({ "payment-signature": base64("42") }),
    status: 402,
    reason: /invalid|malformed|object|payload/,
  },
  {
    name: "JSON null instead of a payload object",
    headers: async () => ({ "payment-signature": base64("null") }),
    status: 402,
    reason: /invalid|malformed|object|payload/,
  },
  {
    name: "JSON array instead of a payload object",
    headers: async () => ({ "payment-signature": base64("[]") }),
    status: 402,
    reason: /invalid|malformed|object|payload/,
  },
  // Protocol version.
  {
    name: "x402Version 1 (otherwise a valid v2 payment)",
    headers: async () => sig(await broken((p) => (p.x402Version = 1))),
    status: 402,
    reason: /version/,
  },
  {
    name: "x402Version 3",
    headers: async () => sig(await broken((p) => (p.x402Version = 3))),
    status: 402,
    reason: /version/,
  },
  {
    name: "x402Version missing",
    headers: async () => sig(await broken((p) => delete p.x402Version)),
    status: 402,
    reason: /version/,
  },
  {
    name: 'x402Version as the string "2"',
    headers: async () => sig(await broken((p) => (p.x402Version = "2"))),
    status: 402,
    reason: /version/,
  },
  // Terms that differ from the offer, signed consistently with what the payload claims.
  {
    name: "scheme 'upto' instead of 'exact'",
    headers: async () => sig(await signedPayment({ accepted: withRequirements({ scheme: "upto" }) })),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "network eip155:1 (Ethereum mainnet)",
    headers: async () => sig(await signedPayment({ accepted: withRequirements({ network: "eip155:1" }) })),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "network eip155:8453 (Base mainnet)",
    headers: async () => sig(await signedPayment({ accepted: withRequirements({ network: "eip155:8453" }) })),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "network solana mainnet",
    headers: async () =>
      sig(
        await signedPayment({
          accepted: withRequirements({ network: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp" }),
        }),
      ),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "another asset (token contract)",
    headers: async () => sig(await signedPayment({ accepted: withRequirements({ asset: stranger }) })),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "amount too low (1 unit, accepted and signed)",
    headers: async () => sig(await signedPayment({ accepted: withRequirements({ amount: "1" }) })),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "amount too high (10x the price, accepted and signed)",
    headers: async () =>
      sig(
        await signedPayment({
          accepted: withRequirements({ amount: (BigInt(cities.amount) * 10n).toString() }),
        }),
      ),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "payTo another address (accepted and signed)",
    headers: async () => sig(await signedPayment({ accepted: withRequirements({ payTo: stranger }) })),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "payment signed for fx-convert sent to world-cities",
    headers: async () => sig(await signedPayment({ accepted: fx })),
    status: 402,
    reason: requirementsMismatch,
  },
  {
    name: "token name in extra changed to 'Fake Coin'",
    headers: async () =>
      sig(
        await signedPayment({
          accepted: withRequirements({ extra: { ...cities.extra, name: "Fake Coin" } }),
        }),
      ),
    status: 402,
    reason: requirementsMismatch,
  },
  // The offer copied honestly into `accepted`, but the signature covers other terms.
  {
    name: "accepted copied, signed to another payTo",
    headers: async () => sig(await signedPayment({ signed: { to: stranger } })),
    status: 402,
    reason: /recipient|pay_to/,
  },
  {
    name: "accepted copied, signed for fx-convert's payTo",
    headers: async () => sig(await signedPayment({ signed: { to: fx.payTo as Address } })),
    status: 402,
    reason: /recipient|pay_to/,
  },
  {
    name: "accepted copied, signed value 1 unit (too low)",
    headers: async () => sig(await signedPayment({ signed: { value: 1n } })),
    status: 402,
    reason: /value|amount/,
  },
  {
    name: "accepted copied, signed value 10x the price (too high)",
    headers: async () => sig(await signedPayment({ signed: { value: BigInt(cities.amount) * 10n } })),
    status: 402,
    reason: /value|amount/,
  },
  {
    name: "accepted copied, signed for chain 8453's domain",
    headers: async () => sig(await signedPayment({ signed: { chainId: 8453 } })),
    status: 402,
    reason: /signature/,
  },
  {
    name: "accepted copied, signed for another token's domain",
    headers: async () => sig(await signedPayment({ signed: { asset: stranger } })),
    status: 402,
    reason: /signature/,
  },
  // Validity window.
  {
    name: "expired (validBefore 60 s ago)",
    headers: async () => {
      const now = BigInt(Math.floor(Date.now() / 1000));
      return sig(
        await createPaymentPayloadWithWindow(payerKey, cities, {
          validAfter: now - 600n,
          validBefore: now - 60n,
        }),
      );
    },
    status: 402,
    reason: /valid_before|expired/,
  },
  {
    name: "not yet valid (validAfter in 1 h)",
    headers: async () => {
      const now = BigInt(Math.floor(Date.now() / 1000));
      return sig(
        await createPaymentPayloadWithWindow(payerKey, cities, {
          validAfter: now + 3600n,
          validBefore: now + 7200n,
        }),
      );
    },
    status: 402,
    reason: /valid_after|not_yet_valid/,
  },
  {
    name: "validBefore too close (now + 3 s)",
    headers: async () => {
      const now = BigInt(Math.floor(Date.now() / 1000));
      return sig(
        await createPaymentPayloadWithWindow(payerKey, cities, {
          validAfter: now - 600n,
          validBefore: now + 3n,
        }),
      );
    },
    status: 402,
    reason: /valid_before|expired/,
  },
  // Money and signatures.
  {
    name: "insufficient balance (unfunded signer)",
    headers: async () => sig(await createPaymentPayload(unfundedKey, cities)),
    status: 402,
    reason: /insufficient_(balance|funds)/,
  },
  {
    name: "bad signature (one byte of r flipped)",
    headers: async () =>
      sig(
        await broken(
          (p) => ((p.payload as Json).signature = flipByte((p.payload as Json).signature as string, 5)),
        ),
      ),
    status: 402,
    reason: /signature/,
  },
  {
    name: "signed by another key than `from`",
    headers: async () => sig(await signedPayment({ key: devAccount(3).privateKey, from: payer })),
    status: 402,
    reason: /signature/,
  },
  {
    name: "signature truncated to 20 bytes",
    headers: async () =>
      sig(
        await broken(
          (p) => ((p.payload as Json).signature = ((p.payload as Json).signature as string).slice(0, 42)),
        ),
      ),
    status: 402,
    reason: /signature/,
  },
  {
    name: "signature is not hex",
    headers: async () => sig(await broken((p) => ((p.payload as Json).signature = `0x${"zz".repeat(65)}`))),
    status: 402,
    reason: /signature/,
  },
  {
    name: "signature missing",
    headers: async () => sig(await broken((p) => delete (p.payload as Json).signature)),
    status: 402,
    reason: /signature|invalid_payload|malformed/,
  },
  // Authorization fields.
  {
    name: "authorization missing entirely",
    headers: async () => sig(await broken((p) => delete (p.payload as Json).authorization)),
    status: 402,
    reason: /authorization|invalid_payload|unsupported_payload|malformed/,
  },
  {
    name: "authorization without validBefore",
    headers: async () => sig(await broken((_p, a) => delete a.validBefore)),
    status: 402,
    reason: /valid_?before|authorization|invalid_payload|unsupported_payload|malformed/,
  },
  {
    name: "authorization without nonce",
    headers: async () => sig(await broken((_p, a) => delete a.nonce)),
    status: 402,
    reason: /nonce|authorization|invalid_payload|unsupported_payload|malformed/,
  },
  {
    name: "nonce of 2 bytes instead of 32",
    headers: async () => sig(await broken((_p, a) => (a.nonce = "0x1234"))),
    status: 402,
    reason: /nonce/,
  },
  {
    name: "`from` is not an address",
    headers: async () => sig(await broken((_p, a) => (a.from = "0xnot-an-address"))),
    status: 402,
    reason: /from|address|payer/,
  },
  {
    name: "value is not a number string",
    headers: async () => sig(await broken((_p, a) => (a.value = "one thousand"))),
    status: 402,
    reason: /value|amount/,
  },
  {
    name: "value is a negative number string",
    headers: async () => sig(await broken((_p, a) => (a.value = `-${cities.amount}`))),
    status: 402,
    reason: /value|amount/,
  },
  // Size and legacy header.
  {
    name: "PAYMENT-SIGNATURE over 16 KB",
    headers: async () => ({ "payment-signature": "A".repeat(17 * 1024) }),
    status: 400,
    reason: /^payment_header_too_large$/,
  },
  {
    name: "legacy X-PAYMENT over 16 KB",
    headers: async () => ({ "x-payment": "A".repeat(17 * 1024) }),
    status: 400,
    reason: /^payment_header_too_large$/,
  },
  {
    name: "legacy X-PAYMENT carrying garbage",
    headers: async () => ({ "x-payment": "garbage!!" }),
    status: 402,
    // X-PAYMENT is x402 v1's header: the caller is told which version this gateway speaks.
    reason: /^unsupported_x402_version$/,
  },
  {
    name: "legacy X-PAYMENT carrying a valid v2 payment",
    headers: async () => ({
      "x-payment": encodePaymentSignatureHeader(await createPaymentPayload(payerKey, cities)),
    }),
    status: 402,
    reason: /^unsupported_x402_version$/,
  },
  {
    name: "legacy X-PAYMENT carrying an x402 v1 payload",
    headers: async () => {
      const v2 = await createPaymentPayload(payerKey, cities);
      const v1 = { x402Version: 1, scheme: "exact", network: "31337", payload: v2.payload };
      return { "x-payment": base64(JSON.stringify(v1)) };
    },
    status: 402,
    reason: /^unsupported_x402_version$/,
  },
];

/** Calls the API once and records status, time and reason (PAYMENT-REQUIRED `error`, else body `error.code`). */
async function send(name: string, headers: Record<string, string>): Promise<Outcome> {
  const started = Date.now();
  const response = await fetch(`${stack.url}${TARGET}`, { headers, signal: AbortSignal.timeout(HANG_MS) });
  const body = await response.text();
  const ms = Date.now() - started;
  let reason: string | undefined;
  const required = response.headers.get("payment-required");
  if (required) reason = decodePaymentRequiredHeader(required).error;
  if (reason === undefined) {
    try {
      reason = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
    } catch {
      reason = undefined;
    }
  }
  const outcome = { name, status: response.status, reason, ms, body: body.slice(0, 400) };
  outcomes.push(outcome);
  const authorization = authorizationIn(headers["payment-signature"]);
  if (outcome.status !== 200 && authorization) refusedAuthorizations.push({ name, ...authorization });
  return outcome;
}

/** "No matching payment requirements" → "no_matching_payment_requirements", for pattern matching. */
/** The (from, nonce) a payment header names, when it decodes that far. */
function authorizationIn(header: string | undefined): { from: string; nonce: string } | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(header ?? "", "base64").toString("utf8"));
    const authorization = decoded?.payload?.authorization;
    if (typeof authorization?.from === "string" && typeof authorization?.nonce === "string")
      return { from: authorization.from, nonce: authorization.nonce };
  } catch {
    // not a decodable payment: nothing could have been claimed for it
  }
  return undefined;
}

function snake(reason: string | undefined): string {
  return (reason ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

describe("bad payment inputs against a real API", () => {
  it("the corpus is big enough to mean something", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(25);
  });

  for (const input of CORPUS) {
    it(`refuses: ${input.name}`, async () => {
      const outcome = await send(input.name, await input.headers());
      const seen = `status ${outcome.status}, reason ${JSON.stringify(outcome.reason)}, body ${outcome.body}`;
      expect(outcome.status, `a refusal is never the platform's fault (${seen})`).toBeLessThan(500);
      expect(outcome.status, seen).toBe(input.status);
      expect(outcome.ms, `answered in ${outcome.ms} ms`).toBeLessThan(ANSWER_WITHIN_MS);
      expect(snake(outcome.reason), `the reason must name the problem (${seen})`).toMatch(input.reason);
    });
  }

  it("serves a valid payment once and refuses its replay as already used", async () => {
    const header = sig(await createPaymentPayload(payerKey, cities));
    const first = await send("valid payment (first use)", header);
    expect(first.status, first.body).toBe(200);
    const replay = await send("the same payment replayed", header);
    const seen = `status ${replay.status}, reason ${JSON.stringify(replay.reason)}, body ${replay.body}`;
    expect(replay.status, seen).toBe(402);
    expect(replay.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(snake(replay.reason), seen).toMatch(/already_used/);
  });

  it("serves one of several concurrent copies of a valid payment and refuses the rest", async () => {
    const header = sig(await createPaymentPayload(payerKey, cities));
    const copies = await Promise.all(
      Array.from({ length: CONCURRENT_COPIES }, (_, i) => send(`concurrent copy ${i + 1}`, header)),
    );
    const statuses = copies.map((copy) => copy.status).sort();
    expect(statuses).toEqual([200, ...Array(CONCURRENT_COPIES - 1).fill(402)]);
    for (const copy of copies.filter((c) => c.status === 402)) {
      expect(snake(copy.reason), copy.body).toMatch(/already_used/);
    }
  });

  it("gives every refusal a machine-readable reason (a snake_case code, not a sentence)", () => {
    const refusals = outcomes.filter((outcome) => outcome.status >= 400);
    const sentences = refusals
      .filter((outcome) => !/^[a-z][a-z0-9_]*$/.test(outcome.reason ?? ""))
      .map((outcome) => `${outcome.name} → ${JSON.stringify(outcome.reason)}`);
    expect(refusals.length).toBeGreaterThanOrEqual(CORPUS.length);
    expect(sentences, "refusals whose reason is not a code").toEqual([]);
  });

  it("claimed none of the refused payments: no payer ledger holds a row for them", async () => {
    expect(refusedAuthorizations.length).toBeGreaterThanOrEqual(20);
    for (const { name, from, nonce } of refusedAuthorizations) {
      const row = await (await ledgerOf(stack, from)).find(nonce);
      // The concurrent copies and the replay share their valid payment's nonce, which was served.
      if (/concurrent copy|replayed/.test(name)) expect(row?.state).toBe("settled");
      else expect(row, `${name} left a ledger row`).toBeNull();
    }
  });

  it("moved no tokens and ran no creator, apart from the valid payments", async () => {
    await new Promise((resolve) => setTimeout(resolve, EXPORT_WAIT_MS));
    const price = BigInt(cities.amount);
    const charged = price * BigInt(VALID_PAYMENTS);
    const expected = new Map(balancesBefore);
    expected.set(payer, balancesBefore.get(payer)! - charged);
    const payTo = cities.payTo as Address;
    expected.set(payTo, balancesBefore.get(payTo)! + charged);
    for (const address of watched) {
      expect(await chainBalanceOf(stack, address), `balance of ${address}`).toBe(expected.get(address));
    }
    const db = await stack.mf.getD1Database("DB", "dispatch");
    const { results } = await db
      .prepare("SELECT api_slug, payer, state, amount_atomic FROM payments ORDER BY created_at")
      .all<{ api_slug: string; payer: string; state: string; amount_atomic: number }>();
    // A creator run for a refused payment would be exported as failed/unknown; only the valid ones may appear.
    const settledRow = {
      api_slug: "world-cities",
      payer: expect.stringMatching(new RegExp(`^${payer}$`, "i")),
      state: "settled",
      amount_atomic: Number(price),
    };
    expect(results).toEqual(Array(VALID_PAYMENTS).fill(settledRow));
  });
});
