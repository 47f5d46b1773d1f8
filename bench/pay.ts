/**
 * Paid-call benchmark: the marketplace's x402 gate (dispatch worker in workerd) side by side with
 * the reference @x402/hono `paymentMiddleware` on Node, in one run, against the same anvil chain,
 * facilitator, price, payTo and answer, driven by the same official client.
 *
 *   npm run bench:pay   (PAY_CALLS=400 PAY_PAYERS=4 PAY_SERIAL_CALLS=40 PAY_WARMUP=10 by default)
 *
 * Then bench/pay-batch.ts runs twice (instant and 2-s blocks): batch-settlement vouchers vs exact
 * vs the reference server, with transactions and gas per 1,000 calls (PAY_SKIP_BATCH=1 skips it).
 *
 * A missed target prints MISS and still exits 0; only a broken run (startup failure, a paid call
 * that is not a settled 200 with the right answer, a payTo balance off by anything) exits 1.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type { Address } from "viem";
import { ROLES } from "../chain/accounts.ts";
import { freePort } from "../chain/free-port.ts";
import { createPayingFetch } from "../client/paying-fetch.ts";
import { makeTempProject } from "../e2e/support/temp-project.ts";
import { startLocalStack } from "../local/stack.ts";
import { startDirectWorker } from "./direct-worker.ts";
import { type RunningBaseline, startBaseline } from "./pay-baseline.ts";
import { captureCall } from "./pay-capture.ts";
import { measureCosts } from "./pay-costs.ts";
import { emptyLegs, type Legs, legTimedFetch } from "./pay-legs.ts";
import { runPaidLoad } from "./pay-load.ts";
import { balanceReader, benchPayers, fundPayers } from "./pay-payers.ts";
import { emptyTally, runPhase } from "./pay-phase.ts";
import {
  balanceOk,
  breakdownTable,
  costTable,
  type Measured,
  paidLegTable,
  sideTable,
  targetTable,
} from "./pay-report.ts";
import { startTimingProxy } from "./pay-timing-proxy.ts";
import { workerdProcesses } from "./workerd-process.ts";

const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CALLS = count("PAY_CALLS", 400);
const PAYERS = count("PAY_PAYERS", 4);
const WARMUP = count("PAY_WARMUP", 10);
/** Measured calls are split in rounds, order flipped each round, so drift on a shared box hits both sides. */
const ROUNDS = 4;
/** Unloaded first (what one call costs), then loaded (what the gate sustains); the targets judge the last. */
const SCENARIOS = [
  { payers: 1, calls: count("PAY_SERIAL_CALLS", 40) },
  { payers: PAYERS, calls: CALLS },
];
/** The dev stack's World Cities example: a data API whose answer is the same on every call. */
const API_PATH = "/world-cities";
const QUERY = "?filter_country=Japan&sort=population&order=desc&limit=3";
/** Far above a healthy run (~50 s on a busy 2-core box): past it something is stuck. */
const DEADLINE_MS = 240_000;
const FUNDING = 100_000_000n; // 100 test USDC per payer: far above CALLS × price

const log = (message: string) => process.stderr.write(`${message}\n`);
const print = (text: string) => process.stdout.write(`${text}\n\n`);

interface Side {
  label: string;
  url: string;
  pid: number | undefined;
}

async function main(): Promise<number> {
  const started = performance.now();
  const startLoad = loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
  const project = makeTempProject();
  const stoppers: Array<() => Promise<void> | void> = [() => project.remove()];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await Promise.resolve(stop()).catch(() => {});
    stoppers.length = 0;
  };
  // Ctrl-C, a kill or a hang must not leave anvil, workerd or the baseline running.
  const abandon = (code: number) => () => void stopAll().then(() => process.exit(code));
  process.once("SIGINT", abandon(130));
  process.once("SIGTERM", abandon(143));
  const watchdog = setTimeout(() => {
    log(`BROKEN: the run took over ${DEADLINE_MS / 1000} s; stopping everything`);
    abandon(1)();
  }, DEADLINE_MS);
  watchdog.unref();
  try {
    log("starting the local stack (anvil, facilitator, workerd) ...");
    const workerdBefore = new Set(workerdProcesses().map((p) => p.pid));
    const facilitatorPort = await freePort();
    const proxy = await startTimingProxy(`http://127.0.0.1:${facilitatorPort}`);
    stoppers.push(() => proxy.stop());
    const stack = await startLocalStack({
      root: project.root,
      stack: project.stack,
      port: 0,
      chainPort: 0,
      facilitatorPort,
      persist: false,
      localDir: `${project.root}/.local`,
      // The gateway reaches the facilitator through the timing proxy (so does the baseline).
      dispatchVars: { FACILITATOR_URL: proxy.url },
      // No scheduled run in the middle of a measured round.
      cronEveryMs: 0,
    });
    stoppers.push(() => stack.stop());
    const workerdPid = workerdProcesses().find((p) => !workerdBefore.has(p.pid))?.pid;
    const { chain } = stack;

    const payers = benchPayers(PAYERS);
    await fundPayers(chain, payers, FUNDING);
    // The same client code for both sides: the official @x402/fetch client, one per payer.
    const payingFetches = (count: number, legs: Legs) =>
      payers.slice(0, count).map((payer) =>
        createPayingFetch(
          {
            privateKey: payer.privateKey,
            network: chain.network,
            asset: chain.asset,
            maxAmount: 1_000_000n,
          },
          legTimedFetch(legs),
        ),
      );
    const ours: Side = {
      label: "ours: gateway (workerd)",
      url: stack.url + API_PATH + QUERY,
      pid: workerdPid,
    };
    const captured = await captureCall(ours.url, payingFetches(1, emptyLegs())[0]!);
    const { requirements } = captured;
    log(`price ${requirements.amount} units to ${requirements.payTo}, answer ${captured.body.length} bytes`);

    const baselineServer: RunningBaseline = await startBaseline({
      facilitatorUrl: proxy.url,
      network: chain.network,
      payTo: requirements.payTo,
      amount: requirements.amount,
      asset: requirements.asset,
      // Copied whole: the EIP-712 domain (name, version) and any paymentFlow the gateway asks for.
      extra: requirements.extra,
      path: API_PATH,
      body: captured.body,
      contentType: captured.contentType,
    });
    stoppers.push(() => baselineServer.stop());
    const baseline: Side = {
      label: "baseline: @x402/hono on Node",
      url: baselineServer.url + API_PATH + QUERY,
      pid: baselineServer.pid,
    };
    log(
      `setup ${((performance.now() - started) / 1000).toFixed(1)} s; warming up (${WARMUP} paid calls per side)`,
    );

    const { balanceOf } = balanceReader(chain);
    for (const side of [ours, baseline]) {
      const warm = await runPaidLoad({
        url: side.url,
        payers: payingFetches(PAYERS, emptyLegs()),
        calls: WARMUP,
        expectedBody: captured.body,
      });
      if (warm.errors) throw new Error(`warm-up of ${side.label} failed: ${warm.firstError}`);
    }

    const measured: Array<[Measured, Measured]> = [];
    for (const scenario of SCENARIOS) {
      const pair = [ours, baseline].map(
        (side): Measured => ({ label: side.label, payers: scenario.payers, tally: emptyTally() }),
      ) as [Measured, Measured];
      const sides = [ours, baseline].map((side, index) => ({
        side,
        tally: pair[index]!.tally,
        payers: payingFetches(scenario.payers, pair[index]!.tally.legs),
      }));
      const calls = Math.ceil(scenario.calls / ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        log(`  ${scenario.payers} payer(s), round ${round + 1}/${ROUNDS}: ${calls} paid calls per side`);
        for (const { side, tally, payers: fetches } of round % 2 === 0 ? sides : [...sides].reverse()) {
          await runPhase(
            {
              url: side.url,
              payers: fetches,
              calls,
              expectedBody: captured.body,
              serverPid: side.pid,
              anvilPid: chain.anvil.pid,
              payTo: requirements.payTo as Address,
              price: BigInt(requirements.amount),
              balanceOf,
            },
            tally,
          );
        }
      }
      measured.push(pair);
    }

    log("timing the steps of one paid call ...");
    // The creator worker alone (another workerd, no gateway): what the gateway's paid leg spends on it.
    const creator = await startDirectWorker(stack.apis.find((api) => api.slug === API_PATH.slice(1))!);
    stoppers.push(() => creator.stop());
    const costs = await measureCosts({
      captured,
      payer: payers[0]!,
      chain,
      facilitatorUrl: stack.facilitatorUrl,
      settlePayTo: ROLES.deployer.address,
      gets: [
        { what: "402 quote, ours", url: ours.url, status: 402 },
        { what: "402 quote, baseline", url: baseline.url, status: 402 },
        { what: "creator worker alone (no gateway)", url: `${creator.url}/${QUERY}`, status: 200 },
      ],
    });

    const underLoad = measured[measured.length - 1]!;
    print(
      `Paid calls: GET ${API_PATH}${QUERY} (price ${requirements.amount} units), each payer sequential, ` +
        `${ROUNDS} alternating rounds per concurrency after ${WARMUP} warm-up calls per side`,
    );
    print(sideTable(measured));
    print(breakdownTable(measured.flat()));
    print(paidLegTable(measured.flat(), proxy.marks));
    print(costTable(costs));
    print(targetTable(underLoad[0], underLoad[1]));
    const endLoad = loadavg()
      .map((value) => value.toFixed(2))
      .join(" ");
    print(
      `load average ${startLoad} -> ${endLoad}; whole run ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    let broken = false;
    for (const m of measured.flat()) {
      if (m.tally.result.errors) {
        log(
          `BROKEN: ${m.tally.result.errors} failed paid calls via ${m.label}: ${m.tally.result.firstError}`,
        );
        broken = true;
      }
      if (!balanceOk(m)) {
        log(`BROKEN: payTo received ${m.tally.received} via ${m.label}, expected ${m.tally.expected}`);
        broken = true;
      }
    }
    return broken ? 1 : 0;
  } finally {
    await stopAll();
  }
}

/**
 * The batch-settlement comparison (bench/pay-batch.ts), in the same run, on instant blocks and on
 * Base-like 2-s blocks; each in its own process with its own stack, after this one has stopped.
 */
function runBatchComparisons(): number {
  let code = 0;
  for (const blockTime of ["", "2"]) {
    log(`batch-settlement comparison, ${blockTime ? `${blockTime}-s blocks` : "instant blocks"}`);
    const run = spawnSync(process.execPath, ["--import", "tsx", "bench/pay-batch.ts"], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, CHAIN_BLOCK_TIME: blockTime },
    });
    code ||= run.status ?? 1;
  }
  return code;
}

main().then(
  (code) => process.exit(code || (process.env.PAY_SKIP_BATCH ? 0 : runBatchComparisons())),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
