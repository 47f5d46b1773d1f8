import { decodePaymentRequiredHeader } from "@x402/core/http";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchPayer } from "../chain/batch-settlement-harness.ts";
import type { LocalStack } from "../local/stack.ts";
import type { VoucherRecord } from "../runtime/ledger/channel-types.ts";
import { balanceOf, ledgerOf, transactionsSince as transactionsSinceOn } from "./support/chain.ts";
import { CLAIMS_WHEN_ASKED, startCountedStack } from "./support/counted-stack.ts";
import type { CountingServer } from "./support/counting-server.ts";
import { auditDiscovery } from "./support/discovery-audit.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli } from "./support/test-stack.ts";

// x402 batch-settlement through the gateway, with the official client (batch-settlement scheme
// registered beside exact) on the real local chain and facilitator: one deposit, then vouchers
// that cost no transaction, claimed and settled into the API's split by `402claw settle`.

const CALLS = 100;
let project: TempProject;
let stack: LocalStack;
let counter: CountingServer;
let stopStack: () => Promise<void>;
let payerKey: Hex;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["counted", "metered", "rows-priced"] });
  ({
    stack,
    counter,
    stop: stopStack,
  } = await startCountedStack(project, { dispatchVars: CLAIMS_WHEN_ASKED }));
  payerKey = (stack.devFile as typeof stack.devFile & { payer: { privateKey: Hex } }).payer.privateKey;
}, 120_000);

afterAll(async () => {
  await stopStack?.();
  project?.remove();
});

const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });

/** Transactions mined in blocks after `from`. */
const transactionsSince = (from: bigint) => transactionsSinceOn(stack, from);

/** The payer's channel to `receiver` (an API's split) as the gateway keeps it: its charged total. */
async function chargedTotal(payer: string, receiver: string): Promise<bigint> {
  const channels = (await (await ledgerOf(stack, payer)).channelList()).filter(
    (channel) => channel.channelConfig.receiver.toLowerCase() === receiver.toLowerCase(),
  );
  expect(channels).toHaveLength(1);
  return BigInt(channels[0]!.chargedCumulativeAmount);
}

/** What the token moved in an exact payment's settlement transaction. */
async function exactTransfers(paid: Response): Promise<bigint[]> {
  const receipt = JSON.parse(atob(paid.headers.get("payment-response")!)) as { transaction: string };
  const transfer = await chain().getTransactionReceipt({ hash: receipt.transaction as Hex });
  expect(transfer.status).toBe("success");
  return transfer.logs.filter((log) => log.data !== "0x").map((log) => BigInt(log.data));
}

async function vouchersOf(payer: string): Promise<VoucherRecord[]> {
  return (await ledgerOf(stack, payer)).vouchers();
}

describe("batch-settlement through the gateway", () => {
  it("offers batch-settlement first and exact second, at the same price and payTo", async () => {
    const response = await fetch(`${stack.url}/world-cities?limit=1`);
    expect(response.status).toBe(402);
    const { accepts } = decodePaymentRequiredHeader(response.headers.get("payment-required")!);
    expect(accepts.map((offer) => offer.scheme)).toEqual(["batch-settlement", "exact"]);
    expect(accepts[0]!.amount).toBe(accepts[1]!.amount);
    expect(accepts[0]!.payTo).toBe(accepts[1]!.payTo);
    expect(accepts[0]!.extra).toMatchObject({
      receiverAuthorizer: stack.chain.batchSettlement.receiverAuthorizer.address,
      withdrawDelay: stack.chain.batchSettlement.withdrawDelay,
    });
  });

  it("serves 100 vouchers after one deposit without a transaction, and settle moves exactly what was charged", async () => {
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey });
    const quote = decodePaymentRequiredHeader(
      (await fetch(`${stack.url}/world-cities?limit=1`)).headers.get("payment-required")!,
    ).accepts[0]!;
    const split = quote.payTo as Address;
    const splitBefore = await balanceOf(stack, split);
    const deposit = await payer.fetch(`${stack.url}/world-cities?limit=1`);
    expect(deposit.status).toBe(200);
    await deposit.arrayBuffer();
    const afterDeposit = await chain().getBlockNumber();
    for (let call = 0; call < CALLS; call++) {
      const response = await payer.fetch(`${stack.url}/world-cities?limit=1`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const vouchers = await vouchersOf(payer.address);
    expect(vouchers).toHaveLength(CALLS + 1);
    expect(vouchers.every((voucher) => voucher.state === "charged" && voucher.amount === quote.amount)).toBe(
      true,
    );
    const charged = vouchers.reduce((sum, voucher) => sum + BigInt(voucher.amount), 0n);

    const settled = await runCli(project, "settle");
    expect(settled.stderr + settled.stdout).toMatch(/claim +0x[0-9a-f]{64}/);
    expect(settled.code).toBe(0);
    expect(await transactionsSince(afterDeposit)).toBeLessThanOrEqual(3);
    expect((await balanceOf(stack, split)) - splitBefore).toBe(charged);
    expect((await vouchersOf(payer.address)).every((voucher) => voucher.state === "settled")).toBe(true);

    const ledger = await runCli(project, "ledger");
    expect(ledger.stdout).toMatch(/world-cities +batch_settled +101 /);
    expect(ledger.stdout).toMatch(/batch-settlement: 1 channel\(s\).* ok/);
    expect(ledger.stderr).toContain("ledger agrees with the chain");
    expect(ledger.code).toBe(0);

    // Creators see batch revenue like any other: 101 paid calls, all settled into the split.
    const stats = await runCli(project, "stats", "world-cities");
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/all time\s+101\s+101\s+0\s+0 \(\$0\.00\)\s+\$0\.101/);
    const logs = await runCli(project, "logs", "world-cities");
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("batch_settled");
  });

  it("counts no voucher for a failed creator response, and the channel goes on from where it was", async () => {
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey });
    const statuses = [];
    for (const query of ["", "?status=500", ""]) {
      const response = await payer.fetch(`${stack.url}/counted${query}`);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 500, 200]);
    expect(counter.hits("/hit/counted")).toBe(3);
    const counted = (await vouchersOf(payer.address)).filter((voucher) => voucher.apiSlug === "counted");
    expect(counted.map((voucher) => voucher.amount)).toEqual(["1000", "1000"]);
    expect(counted.map((voucher) => voucher.cumulative)).toEqual(["1000", "2000"]);
  });

  it("402claw call pays with a channel it keeps on disk (recovering one it lost), then reuses it", async () => {
    const first = await runCli(project, "call", `${stack.url}/counted`, "--deposit", "$0.05");
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/scheme +batch-settlement/);
    const afterFirst = await chain().getBlockNumber();
    const second = await runCli(project, "call", `${stack.url}/counted`);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/transaction none \(a voucher/);
    // The second run found its channel on disk: no deposit, no transaction.
    expect(await transactionsSince(afterFirst)).toBe(0);
    const exact = await runCli(project, "call", `${stack.url}/counted`, "--exact");
    expect(exact.code).toBe(0);
    expect(exact.stderr).toMatch(/scheme +exact/);
  });

  it("charges a voucher what the function reported (usage pricing); exact pays the price", async () => {
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey });
    for (const query of ["", "", "?charge=$0.5", "?charge=lots"]) {
      const response = await payer.fetch(`${stack.url}/metered${query}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const metered = (await vouchersOf(payer.address)).filter((voucher) => voucher.apiSlug === "metered");
    // A reported charge above the price costs the price, never more; one that is not an amount
    // costs nothing (no voucher is recorded for a zero charge).
    expect(metered.map((voucher) => voucher.amount)).toEqual(["400", "400", "1000"]);
    const exact = batchPayer({ chain: stack.chain, privateKey: payerKey, exactOnly: true });
    const paid = await exact.fetch(`${stack.url}/metered`);
    expect(paid.status).toBe(200);
    const receipt = JSON.parse(atob(paid.headers.get("payment-response")!)) as { transaction: string };
    const transfer = await chain().getTransactionReceipt({ hash: receipt.transaction as Hex });
    expect(transfer.status).toBe("success");
    // The token's Transfer event: exact moved the full price.
    expect(transfer.logs.filter((log) => log.data !== "0x").map((log) => BigInt(log.data))).toContain(1000n);
  });

  it("still serves clients that only know exact", async () => {
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey, exactOnly: true });
    const response = await payer.fetch(`${stack.url}/world-cities?limit=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("payment-response")).toBeTruthy();
  });

  it("says a usage-priced API charges a range: in the 402's batch offer, /openapi.json, the catalog and llms.txt", async () => {
    const response = await fetch(`${stack.url}/rows-priced`);
    expect(response.status).toBe(402);
    const [batch, exact] = decodePaymentRequiredHeader(response.headers.get("payment-required")!).accepts;
    expect(batch!.amount).toBe("1000");
    expect(batch!.extra).toMatchObject({
      pricingMode: "range",
      minAmount: "0",
      maxAmount: "1000",
      amountPerRow: "100",
    });
    expect(exact!.scheme).toBe("exact");
    expect(exact!.amount).toBe("1000");
    expect(exact!.extra).not.toHaveProperty("pricingMode");

    const openapi = (await (await fetch(`${stack.url}/openapi.json`)).json()) as {
      paths: Record<string, { get: { "x-payment-info": unknown } }>;
    };
    expect(openapi.paths["/rows-priced"]!.get["x-payment-info"]).toEqual({
      protocols: ["x402"],
      pricingMode: "range",
      minPrice: "0.00",
      maxPrice: "0.001",
      pricePerRow: "0.0001",
    });
    expect(openapi.paths["/metered"]!.get["x-payment-info"]).toMatchObject({
      pricingMode: "range",
      maxPrice: "0.001",
    });
    expect(openapi.paths["/world-cities"]!.get["x-payment-info"]).toMatchObject({ pricingMode: "fixed" });
    const catalog = (await (await fetch(`${stack.url}/?format=json`)).json()) as {
      apis: Array<{ slug: string; pricing: unknown }>;
    };
    expect(catalog.apis.find((api) => api.slug === "rows-priced")?.pricing).toEqual({
      mode: "range",
      minPrice: "$0.00",
      maxPrice: "$0.001",
      pricePerRow: "$0.0001",
    });
    const llms = await (await fetch(`${stack.url}/llms.txt`)).text();
    expect(llms).toContain("$0.0001 per returned row, at most $0.001 per call");
    // x402scan's registration reads the range and still finds the API invocable.
    const audit = await auditDiscovery(stack.url);
    expect(audit.errors).toEqual([]);
    expect(audit.resources).toContain(`${stack.url}/rows-priced`);
  });

  it("charges a voucher rows × pricePerRow for a data API, capped at its price; exact pays the price", async () => {
    const payer = batchPayer({ chain: stack.chain, privateKey: payerKey, salt: `0x${"52".repeat(32)}` });
    const quote = decodePaymentRequiredHeader(
      (await fetch(`${stack.url}/rows-priced`)).headers.get("payment-required")!,
    ).accepts[0]!;
    const charges: Array<[number, bigint, string | null]> = [];
    for (const query of [
      "?limit=3",
      "?limit=3",
      "?limit=7&page=2",
      "?limit=25",
      "?filter_n__gt=100",
      "?limit=1",
    ]) {
      // The first call opens the channel (a deposit): its total starts from nothing.
      const before = charges.length === 0 ? 0n : await chargedTotal(payer.address, quote.payTo);
      const response = await payer.fetch(`${stack.url}/rows-priced${query}`);
      expect(response.status, query).toBe(200);
      const body = (await response.json()) as { data: unknown[] };
      charges.push([
        body.data.length,
        (await chargedTotal(payer.address, quote.payTo)) - before,
        response.headers.get("x-402claw-charge"),
      ]);
    }
    expect(charges).toEqual([
      [3, 300n, "300"],
      [3, 300n, "300"],
      [7, 700n, "700"],
      // 25 rows would be $0.0025: a call never costs more than the price the payer signed for.
      [25, 1000n, "1000"],
      // No rows, no charge (and no voucher recorded).
      [0, 0n, "0"],
      [1, 100n, "100"],
    ]);
    const recorded = (await vouchersOf(payer.address)).filter((voucher) => voucher.apiSlug === "rows-priced");
    expect(recorded.map((voucher) => voucher.amount)).toEqual(["300", "300", "700", "1000", "100"]);
    // The row header is the platform's signal: it never reaches the caller.
    const probe = await payer.fetch(`${stack.url}/rows-priced?limit=2`);
    expect(probe.headers.has("x-402claw-rows")).toBe(false);
    await probe.arrayBuffer();

    const exact = batchPayer({ chain: stack.chain, privateKey: payerKey, exactOnly: true });
    const paid = await exact.fetch(`${stack.url}/rows-priced?limit=1`);
    expect(paid.status).toBe(200);
    expect(await exactTransfers(paid)).toContain(1000n);
  });
});
