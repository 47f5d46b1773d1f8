/**
 * batch-settlement benchmark: the marketplace's gate paid with vouchers (after one deposit per
 * payer) vs paid with exact, vs the reference @x402/hono server (chain/batch-settlement-harness.ts)
 * paid with exact, on the same chain, facilitator and price; with 1 and 8 payers; plus the
 * on-chain cost: transactions and gas per 1,000 calls, claims and settlement included.
 *
 *   node --import tsx bench/pay-batch.ts               (instant blocks)
 *   CHAIN_BLOCK_TIME=2 node --import tsx bench/pay-batch.ts   (Base-like 2-s blocks)
 *   PAYB_CALLS=400 PAYB_EXACT_CALLS=20 by default
 */
import { performance } from "node:perf_hooks";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { blockTimeFromEnv } from "../chain/anvil.ts";
import { batchPayer, startPaidServer } from "../chain/batch-settlement-harness.ts";
import { makeTempProject } from "../e2e/support/temp-project.ts";
import { startLocalStack } from "../local/stack.ts";
import type { LoadResult } from "./load.ts";
import { emptyLegs, type Legs, legTimedFetch } from "./pay-legs.ts";
import { runPaidLoad } from "./pay-load.ts";
import { fundPayers } from "./pay-payers.ts";
import { cpuPerCall, cpuSnapshot } from "./process-tree-cpu.ts";
import { percentile } from "./stats.ts";
import { voucherCheckMs } from "./voucher-check.ts";

const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CALLS = count("PAYB_CALLS", 400);
const EXACT_CALLS = count("PAYB_EXACT_CALLS", 20);
const PATH = "/world-cities?filter_country=Japan&sort=population&order=desc&limit=3";
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Row {
  what: string;
  payers: number;
  result: LoadResult;
  /** The paid request alone (the official client's 402 probe before it is not in it). */
  legs?: Legs;
}

async function main(): Promise<number> {
  const blockTime = blockTimeFromEnv();
  const project = makeTempProject();
  const stack = await startLocalStack({
    root: project.root,
    port: 0,
    chainPort: 0,
    facilitatorPort: 0,
    persist: false,
    localDir: `${project.root}/.local`,
    // Only this script claims (below), so every transaction counted is one it caused.
    dispatchVars: { BATCH_SETTLE_INTERVAL_SECONDS: "450" },
    cronEveryMs: 0,
  });
  const rows: Row[] = [];
  const cpuLines: string[] = [];
  const onChain: Array<{ payers: number; vouchers: number; txs: number; gas: bigint }> = [];
  try {
    const chain = stack.chain;
    const url = `${stack.url}${PATH}`;
    const keys = Array.from({ length: 8 }, () => generatePrivateKey());
    await fundPayers(
      chain,
      keys.map((privateKey) => ({ privateKey, address: privateKeyToAccount(privateKey).address, index: -1 })),
      100_000_000n,
    );
    const quote = await fetch(url);
    await quote.arrayBuffer();
    const expectedBody = await (
      await batchPayer({ chain, privateKey: keys[0]!, exactOnly: true }).fetch(url)
    ).text();

    // The same API's unpaid 402 round trip: what a voucher call is measured against.
    const unpaid: number[] = [];
    for (let i = 0; i < 100; i++) {
      const sent = performance.now();
      await (await fetch(url)).arrayBuffer();
      unpaid.push(performance.now() - sent);
    }

    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const txsSince = async (from: bigint) => {
      let txs = 0;
      let gas = 0n;
      const to = await client.getBlockNumber({ cacheTime: 0 });
      for (let block = from + 1n; block <= to; block++) {
        const { transactions } = await client.getBlock({ blockNumber: block, includeTransactions: true });
        for (const tx of transactions) {
          txs++;
          gas += (await client.getTransactionReceipt({ hash: tx.hash })).gasUsed;
        }
      }
      return { txs, gas };
    };

    // Claims and settlement of everything charged so far (run as `402claw settle` does).
    const settleNow = async () => {
      const admin = await fetch(`${stack.url}/admin/settle`, {
        method: "POST",
        headers: { authorization: `Bearer ${(stack.devFile.admin as { token: string }).token}` },
      });
      const run = (await admin.json()) as {
        claims: unknown[];
        settles: unknown[];
        outstanding: { vouchers: number };
      };
      log(
        `settle: ${run.claims.length} claim(s), ${run.settles.length} settle(s), ${run.outstanding.vouchers} left`,
      );
    };

    for (const payers of [1, 8])
      for (const reuseQuotes of [false, true]) {
        // One deposit per payer, large enough for every call of the run (the deposit is not timed).
        // With reuseQuotes the client pays in one request once it knows the 402 (client/reuse-quotes.ts);
        // without, it is the official fetch wrapper: the 402 probe, then the paid request.
        const legs = emptyLegs();
        const clients = keys.slice(0, payers).map(
          (privateKey) =>
            batchPayer({
              chain,
              privateKey,
              depositUnits: BigInt(CALLS) * 2_000n,
              baseFetch: legTimedFetch(legs),
              reuseQuotes,
            }).fetch,
        );
        for (const pay of clients) await (await pay(url)).arrayBuffer();
        await settleNow(); // the deposits' first vouchers: not this phase's
        legs.paid.length = 0;
        const before = await client.getBlockNumber({ cacheTime: 0 });
        const what = reuseQuotes ? "gateway, vouchers, quote reused" : "gateway, batch-settlement vouchers";
        log(`${what}: ${CALLS} voucher calls, ${payers} payer(s)`);
        const cpuBefore = cpuSnapshot();
        const result = await runPaidLoad({ url, payers: clients, calls: CALLS, expectedBody });
        cpuLines.push(`${what}, ${payers} payer(s): ${cpuPerCall(cpuBefore, cpuSnapshot(), CALLS)}`);
        await settleNow();
        // Transactions of the calls themselves (none expected) plus their claims and settlement.
        if (!reuseQuotes) onChain.push({ payers, vouchers: CALLS, ...(await txsSince(before)) });
        rows.push({ what, payers, result, legs });
      }

    const reference = await startPaidServer({
      chain,
      facilitatorUrl: stack.facilitatorUrl,
      payTo: (
        JSON.parse(atob(quote.headers.get("payment-required")!)) as { accepts: Array<{ payTo: Address }> }
      ).accepts[1]!.payTo,
      amount: "1000",
    });
    try {
      for (const payers of [1, 8]) {
        const exactClients = keys
          .slice(0, payers)
          .map((privateKey) => batchPayer({ chain, privateKey: privateKey as Hex, exactOnly: true }).fetch);
        // Ten calls per payer at least: with fewer, the ramp-up of the first calls weighs on the rate.
        const calls = Math.max(EXACT_CALLS, payers * 10);
        log(`exact: ${calls} calls, ${payers} payer(s), gateway and reference`);
        rows.push({
          what: "gateway, exact",
          payers,
          result: await runPaidLoad({ url, payers: exactClients, calls, expectedBody }),
        });
        const referenceBody = await (await exactClients[0]!(reference.url)).text();
        rows.push({
          what: "reference @x402/hono, exact",
          payers,
          result: await runPaidLoad({
            url: reference.url,
            payers: exactClients,
            calls,
            expectedBody: referenceBody,
          }),
        });
      }
    } finally {
      await reference.stop();
    }

    const unpaidP50 = percentile(
      [...unpaid].sort((a, b) => a - b),
      50,
    );
    const checkMs = await voucherCheckMs();
    process.stdout.write(
      `blocks: ${blockTime ? `every ${blockTime} s` : "instant"}; unpaid 402 p50 ${unpaidP50.toFixed(1)} ms\n`,
    );
    process.stdout.write(
      `one voucher signature check inside workerd (viem verifyTypedData, as the SDK's server scheme does): ${checkMs.toFixed(2)} ms\n`,
    );
    process.stdout.write(
      "side                                  payers  calls   p50 ms   p99 ms   calls/s  errors  paid request alone: p50 ms (× unpaid 402)\n",
    );
    for (const { what, payers, result, legs } of rows) {
      const sorted = [...result.latencies].sort((a, b) => a - b);
      process.stdout.write(
        `${what.padEnd(37)} ${String(payers).padStart(6)} ${String(sorted.length).padStart(6)} ${percentile(sorted, 50).toFixed(1).padStart(8)} ${percentile(sorted, 99).toFixed(1).padStart(8)} ${((sorted.length * 1000) / result.elapsedMs).toFixed(1).padStart(9)} ${String(result.errors).padStart(7)}${paidLeg(legs, unpaidP50)}${result.firstError ? `  (${result.firstError})` : ""}\n`,
      );
    }
    process.stdout.write(`${versusUnpaid(rows, unpaidP50)}\n`);
    for (const line of cpuLines) process.stdout.write(`${line}\n`);
    for (const phase of onChain)
      process.stdout.write(
        `batch-settlement on chain, ${phase.payers} payer(s): ${phase.txs} transactions, ${phase.gas} gas for ${phase.vouchers} vouchers (claims and settle included) = ${((phase.txs * 1000) / phase.vouchers).toFixed(1)} tx and ${((Number(phase.gas) * 1000) / phase.vouchers).toFixed(0)} gas per 1,000 calls (deposits excluded)\n`,
      );
    return rows.some((row) => row.result.errors > 0) ? 1 : 0;
  } finally {
    await stack.stop();
    project.remove();
  }
}

/**
 * The target "a voucher call within 1.5× of the unpaid 402" depends on the network: a round trip
 * of r ms adds r to both sides of a one-request call, and 2r to the official client's two requests.
 * From the measured p50s, the smallest r at which each client meets it (one payer).
 */
function versusUnpaid(rows: readonly Row[], unpaidP50: number): string {
  const p50Of = (what: string) => {
    const row = rows.find((candidate) => candidate.what === what && candidate.payers === 1);
    return row
      ? percentile(
          [...row.result.latencies].sort((a, b) => a - b),
          50,
        )
      : Number.NaN;
  };
  const reused = p50Of("gateway, vouchers, quote reused");
  const official = p50Of("gateway, batch-settlement vouchers");
  // One request: r + reused <= 1.5 (r + unpaid). Two requests: 2r + official <= 1.5 (r + unpaid).
  const reusedAt = Math.max(0, 2 * (reused - 1.5 * unpaidP50));
  const officialAt =
    official <= 1.5 * unpaidP50 ? "at any round trip" : "at no round trip (two requests per call)";
  return (
    `voucher call p50 vs the unpaid 402 (${unpaidP50.toFixed(1)} ms), 1 payer: quote reused ${reused.toFixed(1)} ms = ${(reused / unpaidP50).toFixed(1)}× here, within 1.5× once the client's network round trip is ≥ ${reusedAt.toFixed(1)} ms; ` +
    `official client ${official.toFixed(1)} ms = ${(official / unpaidP50).toFixed(1)}× here, within 1.5× ${officialAt}`
  );
}

function paidLeg(legs: Legs | undefined, unpaidP50: number): string {
  if (!legs?.paid.length) return "";
  const sorted = legs.paid.map((leg) => leg.end - leg.start).sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  return `  ${p50.toFixed(1).padStart(8)} (${(p50 / unpaidP50).toFixed(1)}×)`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
