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
import { runPaidLoad } from "./pay-load.ts";
import { fundPayers } from "./pay-payers.ts";
import { percentile } from "./stats.ts";

const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CALLS = count("PAYB_CALLS", 400);
const EXACT_CALLS = count("PAYB_EXACT_CALLS", 20);
const PATH = "/world-cities?filter_country=Japan&sort=population&order=desc&limit=3";
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Row {
  what: string;
  payers: number;
  result: LoadResult;
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
  });
  const rows: Row[] = [];
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
      const to = await client.getBlockNumber();
      for (let block = from + 1n; block <= to; block++) {
        const { transactions } = await client.getBlock({ blockNumber: block, includeTransactions: true });
        for (const tx of transactions) {
          txs++;
          gas += (await client.getTransactionReceipt({ hash: tx.hash })).gasUsed;
        }
      }
      return { txs, gas };
    };

    let vouchers = 0;
    let onChain = { txs: 0, gas: 0n };
    for (const payers of [1, 8]) {
      // One deposit per payer, large enough for every call of the run (the deposit is not timed).
      const clients = keys
        .slice(0, payers)
        .map((privateKey) => batchPayer({ chain, privateKey, depositUnits: BigInt(CALLS) * 2_000n }).fetch);
      for (const pay of clients) await (await pay(url)).arrayBuffer();
      const before = await client.getBlockNumber();
      log(`batch-settlement: ${CALLS} voucher calls, ${payers} payer(s)`);
      rows.push({
        what: "gateway, batch-settlement vouchers",
        payers,
        result: await runPaidLoad({ url, payers: clients, calls: CALLS, expectedBody }),
      });
      const spent = await txsSince(before);
      vouchers += CALLS;
      onChain = { txs: onChain.txs + spent.txs, gas: onChain.gas + spent.gas };
    }
    // Claims and settlement of everything charged above (run as `402claw settle` does).
    const before = await client.getBlockNumber();
    const admin = await fetch(`${stack.url}/admin/settle`, {
      method: "POST",
      headers: { authorization: `Bearer ${(stack.devFile.admin as { token: string }).token}` },
    });
    const run = (await admin.json()) as {
      claims: unknown[];
      settles: unknown[];
      outstanding: { vouchers: number };
    };
    const settled = await txsSince(before);
    onChain = { txs: onChain.txs + settled.txs, gas: onChain.gas + settled.gas };
    log(
      `settle: ${run.claims.length} claim(s), ${run.settles.length} settle(s), ${run.outstanding.vouchers} left`,
    );

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
        const calls = Math.max(EXACT_CALLS, payers * 4);
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
    process.stdout.write(
      `blocks: ${blockTime ? `every ${blockTime} s` : "instant"}; unpaid 402 p50 ${unpaidP50.toFixed(1)} ms\n`,
    );
    process.stdout.write(
      "side                                  payers  calls   p50 ms   p99 ms   calls/s  errors\n",
    );
    for (const { what, payers, result } of rows) {
      const sorted = [...result.latencies].sort((a, b) => a - b);
      process.stdout.write(
        `${what.padEnd(37)} ${String(payers).padStart(6)} ${String(sorted.length).padStart(6)} ${percentile(sorted, 50).toFixed(1).padStart(8)} ${percentile(sorted, 99).toFixed(1).padStart(8)} ${((sorted.length * 1000) / result.elapsedMs).toFixed(1).padStart(9)} ${String(result.errors).padStart(7)}${result.firstError ? `  (${result.firstError})` : ""}\n`,
      );
    }
    process.stdout.write(
      `batch-settlement on chain: ${onChain.txs} transactions, ${onChain.gas} gas for ${vouchers} vouchers (claims and settle included) = ${((onChain.txs * 1000) / vouchers).toFixed(1)} tx and ${((Number(onChain.gas) * 1000) / vouchers).toFixed(0)} gas per 1,000 calls (deposits excluded)\n`,
    );
    return rows.some((row) => row.result.errors > 0) ? 1 : 0;
  } finally {
    await stack.stop();
    project.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
