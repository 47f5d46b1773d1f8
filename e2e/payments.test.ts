import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
} from "@x402/core/http";
import type { PaymentRequirements } from "@x402/core/types";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaymentPayload } from "../facilitator/payment-fixtures.ts";
import type { LocalStack } from "../local/stack.ts";
import { balanceOf as chainBalanceOf } from "./support/chain.ts";
import { type CountingServer, startCountingServer } from "./support/counting-server.ts";
import { type FacilitatorProxy, startFacilitatorProxy } from "./support/facilitator-proxy.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// Money rules on a real chain: real anvil, real EIP-3009 signatures, the project's facilitator,
// the dispatch worker in workerd. No mocked chain or facilitator.
let project: TempProject;
let stack: LocalStack;
let counter: CountingServer;
let proxy: FacilitatorProxy;
let payer: { address: Address; privateKey: Hex };

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["counted", "counted-before"] });
  counter = await startCountingServer();
  proxy = await startFacilitatorProxy();
  stack = await startTestStack(project, {
    // The gateway reaches the facilitator through a fault-injecting proxy (see facilitator-proxy.ts).
    dispatchVars: { FACILITATOR_URL: proxy.url },
    extraResolveOverrides: { "counter.402claw.test": counter.url },
  });
  proxy.target = stack.facilitatorUrl;
  payer = (stack.devFile as unknown as { payer: typeof payer }).payer;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await counter?.stop();
  project?.remove();
});

const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });
const balanceOf = (owner: string) => chainBalanceOf(stack, owner);
const payToOf = (slug: string) => stack.devFile.apis.find((api) => api.slug === slug)!.payTo;
const db = async () => stack.mf.getD1Database("DB", "dispatch");

/** The 402 quote for a path, as any client would read it. */
async function quote(
  path: string,
): Promise<{ requirements: PaymentRequirements; raw: ReturnType<typeof decodePaymentRequiredHeader> }> {
  const response = await fetch(`${stack.url}${path}`);
  expect(response.status).toBe(402);
  const raw = decodePaymentRequiredHeader(response.headers.get("payment-required")!);
  return { requirements: raw.accepts.find((offer) => offer.scheme === "exact")!, raw };
}

/** A signed payment header for a path's quote, signed once (to replay it at will). */
async function signedHeader(path: string): Promise<string> {
  const { requirements } = await quote(path);
  return encodePaymentSignatureHeader(await createPaymentPayload(payer.privateKey, requirements));
}

/** Waits until D1 holds a payment for the API in that state (optionally one not in `seen`); ledgers export within ~1 s. */
async function paymentRow(state: string, apiSlug: string, seen: ReadonlySet<string> = new Set()) {
  return waitFor(async () => {
    const { results } = await (await db())
      .prepare("SELECT * FROM payments WHERE api_slug = ? AND state = ? ORDER BY created_at DESC")
      .bind(apiSlug, state)
      .all<Record<string, unknown>>();
    return results.find((row) => !seen.has(String(row.id))) ?? null;
  }, `a ${state} payment for ${apiSlug} in D1`);
}

/** Ids of every payment D1 knows, to tell a new one apart. */
async function paymentIds(): Promise<Set<string>> {
  const { results } = await (await db()).prepare("SELECT id FROM payments").all<{ id: string }>();
  return new Set(results.map((row) => row.id));
}

/** Waits until a payment's D1 row reaches a state. */
function paymentState(id: string, state: string) {
  return waitFor(
    async () =>
      (await db())
        .prepare("SELECT state, tx_hash FROM payments WHERE id = ? AND state = ?")
        .bind(id, state)
        .first<{ state: string; tx_hash: string }>(),
    `payment ${id} to be ${state} in D1`,
  );
}

describe("an unpaid call", () => {
  it("gets a 402 with x402 v2 requirements for exactly this API", async () => {
    const { requirements, raw } = await quote("/world-cities?limit=1");
    expect(raw.x402Version).toBe(2);
    expect(requirements).toEqual({
      scheme: "exact",
      network: "eip155:31337",
      asset: stack.chain.asset,
      amount: "1000",
      payTo: payToOf("world-cities"),
      maxTimeoutSeconds: 60,
      extra: { name: "USD Coin", version: "2" },
    });
    expect(raw.resource?.url).toBe(`${stack.url}/world-cities`);
    expect(raw.resource?.description).toContain("World Cities");
    expect(raw.extensions?.bazaar).toBeDefined();
  });
});

describe("a paid call", () => {
  it("serves the data and moves exactly the price from payer to payTo, with a receipt on chain", async () => {
    const payTo = payToOf("world-cities");
    const [payerBefore, payToBefore] = [await balanceOf(payer.address), await balanceOf(payTo)];
    const response = await demoPayerFetch(stack.devFile)(
      `${stack.url}/world-cities?filter_name=Tokyo&fields=name`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: [{ name: "Tokyo" }],
      pagination: { page: 1, limit: 100, total: 1 },
    });
    const receipt = decodePaymentResponseHeader(response.headers.get("payment-response")!);
    expect(receipt.success).toBe(true);
    const transaction = await chain().getTransactionReceipt({ hash: receipt.transaction as Hex });
    expect(transaction.status).toBe("success");
    expect(payerBefore - (await balanceOf(payer.address))).toBe(1000n);
    expect((await balanceOf(payTo)) - payToBefore).toBe(1000n);
    const row = await paymentRow("settled", "world-cities");
    expect(row).toMatchObject({ tx_hash: receipt.transaction, amount_atomic: 1000, response_status: 200 });
  });
});

describe("one signature, one service", () => {
  it("runs the creator once for 20 identical signatures sent at once; one transfer, the rest 402", async () => {
    const header = await signedHeader("/counted");
    const payerBefore = await balanceOf(payer.address);
    const hitsBefore = counter.hits("/hit/counted");
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${stack.url}/counted`, { headers: { "payment-signature": header } }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 402)).toHaveLength(19);
    expect(counter.hits("/hit/counted") - hitsBefore).toBe(1);
    expect(payerBefore - (await balanceOf(payer.address))).toBe(1000n);
    const reasons = responses
      .filter((response) => response.status === 402)
      .map((response) => decodePaymentRequiredHeader(response.headers.get("payment-required")!).error ?? "");
    for (const reason of reasons) expect(reason).toMatch(/payment_already_used|nonce|already/i);
  });

  it("refuses a later replay of a used signature without running the creator", async () => {
    const header = await signedHeader("/counted");
    const first = await fetch(`${stack.url}/counted`, { headers: { "payment-signature": header } });
    expect(first.status).toBe(200);
    const hits = counter.hits("/hit/counted");
    const payerBefore = await balanceOf(payer.address);
    const replay = await fetch(`${stack.url}/counted`, { headers: { "payment-signature": header } });
    expect(replay.status).toBe(402);
    expect(decodePaymentRequiredHeader(replay.headers.get("payment-required")!).error).toMatch(
      /payment_already_used|nonce/,
    );
    expect(counter.hits("/hit/counted")).toBe(hits);
    expect(await balanceOf(payer.address)).toBe(payerBefore);
  });
});

describe("no charge for a failed response", () => {
  it("returns the creator's 500 and transfers nothing", async () => {
    const payerBefore = await balanceOf(payer.address);
    const response = await demoPayerFetch(stack.devFile)(`${stack.url}/counted?status=500`);
    expect(response.status).toBe(500);
    expect(response.headers.get("payment-response")).toBeNull();
    expect(await balanceOf(payer.address)).toBe(payerBefore);
    expect(await paymentRow("failed", "counted")).toMatchObject({ response_status: 500, tx_hash: null });
  });
});

describe("settle: before", () => {
  it("settles before the creator runs (after-mode APIs settle after)", async () => {
    try {
      const beforeSplit = payToOf("counted-before");
      counter.setProbe(() => balanceOf(beforeSplit));
      const before = await balanceOf(beforeSplit);
      const paidBefore = await demoPayerFetch(stack.devFile)(`${stack.url}/counted-before`);
      expect(paidBefore.status).toBe(200);
      // Seen while the creator ran: the payment had already reached the API's split.
      expect(counter.probes.at(-1)).toBe(before + 1000n);

      const afterSplit = payToOf("counted");
      counter.setProbe(() => balanceOf(afterSplit));
      const beforeAfterMode = await balanceOf(afterSplit);
      const paidAfter = await demoPayerFetch(stack.devFile)(`${stack.url}/counted`);
      expect(paidAfter.status).toBe(200);
      // An after-mode API ran before any money moved.
      expect(counter.probes.at(-1)).toBe(beforeAfterMode);
      expect(await balanceOf(afterSplit)).toBe(beforeAfterMode + 1000n);
    } finally {
      counter.setProbe(undefined);
    }
  });
});

describe("facilitator faults", () => {
  it("never serves unpaid when the facilitator dies mid-run, and the records match the chain", async () => {
    const pay = demoPayerFetch(stack.devFile);
    const payTo = payToOf("counted");
    const [payToBefore, hitsBefore] = [await balanceOf(payTo), counter.hits("/hit/counted")];
    const statuses: number[] = [];
    try {
      for (let call = 0; call < 6; call++) {
        if (call === 3) proxy.mode = "down";
        const response = await pay(`${stack.url}/counted`);
        statuses.push(response.status);
        if (response.status === 502) {
          expect(await response.json()).toMatchObject({
            error: { code: "facilitator_unavailable", api: "counted" },
          });
        }
      }
    } finally {
      proxy.mode = "pass";
    }
    expect(statuses).toEqual([200, 200, 200, 502, 502, 502]);
    expect(counter.hits("/hit/counted") - hitsBefore).toBe(3);
    expect((await balanceOf(payTo)) - payToBefore).toBe(3000n);
  });

  it("records a lost settlement answer as unknown and reconciles it from the chain, without charging twice", async () => {
    const payerBefore = await balanceOf(payer.address);
    const seen = await paymentIds();
    proxy.mode = "lose-settle-answer";
    let response: Response;
    try {
      response = await demoPayerFetch(stack.devFile)(`${stack.url}/counted`);
    } finally {
      proxy.mode = "pass";
    }
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: "settlement_unknown" } });
    const unknown = await paymentRow("unknown", "counted", seen);
    // The facilitator did broadcast: the chain has the transfer the ledger could not confirm.
    expect(payerBefore - (await balanceOf(payer.address))).toBe(1000n);

    const outcomes = await reconcile();
    expect(outcomes).toContainEqual(
      expect.objectContaining({ payment: unknown.id, to: "settled", reason: "authorization used on chain" }),
    );
    const settled = await paymentState(String(unknown.id), "settled");
    expect(settled.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(payerBefore - (await balanceOf(payer.address))).toBe(1000n);
  });

  it("settles a never-broadcast unknown payment with its original authorization when reconciling", async () => {
    const payerBefore = await balanceOf(payer.address);
    const seen = await paymentIds();
    proxy.mode = "drop-settle";
    try {
      expect((await demoPayerFetch(stack.devFile)(`${stack.url}/counted`)).status).toBe(502);
    } finally {
      proxy.mode = "pass";
    }
    const unknown = await paymentRow("unknown", "counted", seen);
    expect(await balanceOf(payer.address)).toBe(payerBefore);
    const outcomes = await reconcile();
    expect(outcomes).toContainEqual(
      expect.objectContaining({
        payment: unknown.id,
        to: "settled",
        reason: "settled with the original authorization",
      }),
    );
    expect(payerBefore - (await balanceOf(payer.address))).toBe(1000n);
    await paymentState(String(unknown.id), "settled");
  });
});

async function reconcile(): Promise<Array<Record<string, unknown>>> {
  const token = (stack.devFile as unknown as { admin: { token: string } }).admin.token;
  const response = await fetch(`${stack.url}/admin/reconcile`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { outcomes: Array<Record<string, unknown>> }).outcomes;
}

describe("the 402claw CLI against the running marketplace", () => {
  const cli = (...args: string[]) => runCli(project, ...args);

  it("`call` pays as the demo wallet, prints the body and a receipt whose transaction is on chain", async () => {
    const { code, stdout, stderr } = await cli(
      "call",
      `${stack.url}/chemical-elements?filter_symbol=He&fields=name`,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ data: [{ name: "Helium" }] });
    expect(stderr).toContain("paid $0.0005");
    expect(stderr).toContain(payToOf("chemical-elements"));
    const hash = /transaction (0x[0-9a-f]{64})/.exec(stderr)?.[1] as Hex;
    expect((await chain().getTransactionReceipt({ hash })).status).toBe("success");
  });

  it("`call --max` refuses to pay more than the cap", async () => {
    const before = await balanceOf(payer.address);
    const { code, stderr } = await cli("call", "--max", "$0.0001", `${stack.url}/fx-convert?from=USD&to=EUR`);
    expect(code).toBe(2);
    expect(stderr).toContain("refused to pay $0.002");
    expect(await balanceOf(payer.address)).toBe(before);
  });

  it("`ledger` sums per API and agrees with the chain", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // let the ledgers' batched export land
    const { code, stdout, stderr } = await cli("ledger");
    expect(stderr).toContain("ledger agrees with the chain");
    expect(code).toBe(0);
    expect(stdout).toMatch(/world-cities\s+settled\s+1\s+\$0\.001/);
  });
});

describe("a price change", () => {
  it("honours a payment made at the quoted price within its validity window", async () => {
    const path = "/chemical-elements?filter_symbol=Ne&fields=name";
    const oldQuote = await signedHeader(path); // signed for $0.0005
    const manifest = join(project.apisDir, "chemical-elements", "api.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace('price: "$0.0005"', 'price: "$0.0007"'));
    await stack.reload();
    // The gateway keeps API metadata in isolate memory for at most MEMORY_TTL_MS (5 s).
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect((await quote(path)).requirements.amount).toBe("700");

    const before = await balanceOf(payer.address);
    const paid = await fetch(`${stack.url}${path}`, { headers: { "payment-signature": oldQuote } });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ data: [{ name: "Neon" }] });
    expect(before - (await balanceOf(payer.address))).toBe(500n);
  });
});
