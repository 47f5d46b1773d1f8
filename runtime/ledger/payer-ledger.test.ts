import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempProject, type TempProject } from "../../e2e/support/temp-project.ts";
import { startTestStack } from "../../e2e/support/test-stack.ts";
import type { LocalStack } from "../../local/stack.ts";
import type { AdvanceResult, ClaimInput, ClaimResult, PaymentRecord } from "./payment-state.ts";

// The payer ledger in real workerd (SQLite-backed Durable Object), exported to a real D1.
interface LedgerStub {
  claim(payer: string, input: ClaimInput): Promise<ClaimResult>;
  advance(
    nonce: string,
    input: { state: string; txHash?: string; responseStatus?: number },
  ): Promise<AdvanceResult>;
  find(nonce: string): Promise<PaymentRecord | null>;
  sweepStale(now?: number): Promise<number>;
}

const PAYER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
let project: TempProject;
let stack: LocalStack;
let ledger: LedgerStub;

const claimFor = (nonce: string, apiSlug = "world-cities"): ClaimInput => ({
  nonce,
  apiSlug,
  payTo: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  amount: "1000",
  network: "eip155:31337",
  asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  settleMode: "after",
  validBefore: Math.floor(Date.now() / 1000) + 60,
  payloadJson: "{}",
});

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project);
  const namespace = await stack.mf.getDurableObjectNamespace("PAYER_LEDGER", "dispatch");
  ledger = namespace.get(namespace.idFromName(PAYER.toLowerCase())) as unknown as LedgerStub;
});

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

describe("payer ledger", () => {
  it("lets exactly one of 20 concurrent claims of one nonce through", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ledger.claim(PAYER, claimFor("0xaa01"))),
    );
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    expect(results.filter((result) => !result.claimed)).toHaveLength(19);
    expect(results.find((result) => !result.claimed)).toMatchObject({
      state: "verified",
      apiSlug: "world-cities",
    });
  });

  it("refuses a later replay, naming the state it is in", async () => {
    await ledger.claim(PAYER, claimFor("0xaa02"));
    await ledger.advance("0xaa02", { state: "served", responseStatus: 200 });
    expect(await ledger.claim(PAYER, claimFor("0xaa02", "fx-convert"))).toEqual({
      claimed: false,
      state: "served",
      apiSlug: "world-cities",
    });
  });

  it("refuses illegal transitions", async () => {
    await ledger.claim(PAYER, claimFor("0xaa03"));
    await ledger.advance("0xaa03", { state: "failed" });
    expect(await ledger.advance("0xaa03", { state: "settled" })).toEqual({
      ok: false,
      reason: "payment 0xaa03 cannot move from failed to settled",
    });
    expect(await ledger.find("0xaa03")).toMatchObject({ state: "failed" });
  });

  it("copies settled payments and their usage to D1 off the request path, once", async () => {
    await ledger.claim(PAYER, claimFor("0xaa04"));
    await ledger.advance("0xaa04", { state: "served", responseStatus: 200 });
    await ledger.advance("0xaa04", { state: "settling" });
    const settled = await ledger.advance("0xaa04", { state: "settled", txHash: "0xdeadbeef" });
    expect(settled).toMatchObject({
      ok: true,
      record: { state: "settled", txHash: "0xdeadbeef", responseStatus: 200 },
    });
    const db = await stack.mf.getD1Database("DB", "dispatch");
    const row = await waitForRow(() =>
      db
        .prepare("SELECT state, tx_hash, amount_atomic FROM payments WHERE id = ?")
        .bind(`${PAYER}:0xaa04`)
        .first(),
    );
    expect(row).toEqual({ state: "settled", tx_hash: "0xdeadbeef", amount_atomic: 1000 });
    // 0xaa03 failed and 0xaa04 settled: one paid call, one failed call, revenue of the paid one only.
    const usage = await waitForRow(() =>
      db
        .prepare(
          "SELECT SUM(calls) AS calls, SUM(paid_calls) AS paid, SUM(failed_calls) AS failed, SUM(revenue_atomic) AS revenue FROM usage WHERE api_slug = 'world-cities' HAVING SUM(calls) >= 2",
        )
        .first(),
    );
    expect(usage).toEqual({ calls: 2, paid: 1, failed: 1, revenue: 1000 });
  });
});

describe("payments stuck mid-flight", () => {
  // The sweep runs from the ledger's alarm after STALE_AFTER_MS; asking it about a later `now`
  // is what the alarm would see then.
  const later = () => Date.now() + 10 * 60_000;

  it("finishes a claimed payment that was never sent for settlement as failed: it can never be charged", async () => {
    await ledger.claim(PAYER, claimFor("0xbb01"));
    await ledger.claim(PAYER, claimFor("0xbb02"));
    await ledger.advance("0xbb02", { state: "served", responseStatus: 200 });
    expect(await ledger.sweepStale(later())).toBeGreaterThanOrEqual(2);
    for (const nonce of ["0xbb01", "0xbb02"]) {
      expect(await ledger.find(nonce)).toMatchObject({ state: "failed", settlingAt: null });
    }
  });

  it("turns one that was sent for settlement into unknown, for reconciliation against the chain", async () => {
    await ledger.claim(PAYER, claimFor("0xbb03"));
    await ledger.advance("0xbb03", { state: "settling" });
    await ledger.sweepStale(later());
    expect(await ledger.find("0xbb03")).toMatchObject({
      state: "unknown",
      settlingAt: expect.any(Number),
    });
  });

  it("leaves fresh payments alone", async () => {
    await ledger.claim(PAYER, claimFor("0xbb04"));
    await ledger.sweepStale(Date.now());
    expect(await ledger.find("0xbb04")).toMatchObject({ state: "verified" });
  });
});

async function waitForRow<T>(query: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await query();
    if (row) return row;
    if (Date.now() > deadline) throw new Error("row did not reach D1 in time");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
