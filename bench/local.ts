/**
 * Local performance benchmark of the dispatch path: a 100k-row data API served by the very
 * same built creator worker three ways, in one run:
 *   direct             the creator worker alone (static Miniflare worker, real R2 binding)
 *   namespace hop      behind the local dispatch-namespace stand-in, as the gateway calls it
 *   gateway            the real dispatch worker: /health, and an unpaid call (402 from x402)
 * Every gateway call to a creator must now be paid, so the creator path is timed through the
 * hop; what paying adds is bench/pay*.ts's subject.
 *
 *   npm run bench:local    (BENCH_SECONDS=4, BENCH_WARMUP_SECONDS=0.5 by default; ~60 s)
 *
 * A missed target is printed as MISS and the process still exits 0; only a broken run
 * (startup failure, wrong statuses, differing answers, overrun) exits non-zero.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { BENCH_SLUG } from "./bench-project.ts";
import { measureCold } from "./cold.ts";
import { HEAVY_QUERIES, LIGHT_QUERIES, viaGateway } from "./queries.ts";
import { coldTable, overheadTable, scenarioTable, targetTable } from "./report.ts";
import { countDifferentAnswers } from "./same-answers.ts";
import { runScenarios, type Scenario, type Side, type Workload } from "./scenarios.ts";
import { type BenchTargets, startBenchTargets } from "./targets.ts";
import { workerdProcesses } from "./workerd-process.ts";

const ROWS = 100_000;
const LOADED_CONCURRENCY = 8;
const seconds = (name: string, fallback: number) => Number(process.env[name] ?? fallback) * 1000;
const MEASURE_MS = seconds("BENCH_SECONDS", 4);
const WARMUP_MS = seconds("BENCH_WARMUP_SECONDS", 0.5);
// Unloaded (c=1) runs only need enough samples for a p99; they are shorter to keep the run ~60 s.
const UNLOADED_MS = Math.max(1000, Math.round(MEASURE_MS * 0.6));
/** A run that takes this long is stuck (a hung start, a stalled socket): stop everything and fail. */
const OVERRUN_MS = 180_000;

const log = (message: string) => process.stderr.write(`${message}\n`);
const print = (text: string) => process.stdout.write(`${text}\n\n`);

function scenarioFor(targets: BenchTargets) {
  const heavy = HEAVY_QUERIES;
  const light = LIGHT_QUERIES;
  const paths: Record<Workload, readonly string[]> = {
    "filter+sort+page": heavy,
    "limit=1": light,
    "/health": ["/health"],
    // The same data calls as the creator gets, addressed by slug, without a payment header.
    "unpaid call": [...heavy, ...light].map((path) => viaGateway(BENCH_SLUG, path)),
  };
  return (id: string, workload: Workload, side: Side, concurrency: number): Scenario => {
    const pid = targets.pids[side];
    return {
      id,
      workload,
      side,
      origin: targets.origins[side],
      paths: paths[workload],
      concurrency,
      durationMs: concurrency === 1 ? UNLOADED_MS : MEASURE_MS,
      ...(workload === "unpaid call" ? { expectStatus: 402 } : {}),
      ...(pid === undefined ? {} : { pid }),
    };
  };
}

async function main(): Promise<number> {
  const started = performance.now();
  // Other work on a shared 2-core box moves latency a lot; the load average tells the reader.
  const startLoad = loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
  log(`building and starting the local stack and the baselines (${ROWS} rows) ...`);
  const targets = await startBenchTargets(ROWS);
  const overrun = setTimeout(() => {
    log(`the benchmark ran over ${OVERRUN_MS / 1000} s; stopping`);
    void targets.stop().finally(() => process.exit(1));
  }, OVERRUN_MS);
  overrun.unref();
  try {
    const { origins } = targets;
    log(`gateway ${origins.dispatch}, setup ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const cold = {
      hop: await measureCold(origins["stand-in"], LIGHT_QUERIES[0]!, HEAVY_QUERIES[0]!),
      direct: await measureCold(origins.direct, LIGHT_QUERIES[0]!, HEAVY_QUERIES[0]!),
    };
    const queries = [...HEAVY_QUERIES, ...LIGHT_QUERIES];
    const different = await countDifferentAnswers(origins["stand-in"], origins.direct, queries);
    if (different > 0) throw new Error(`${different} queries answered differently behind the namespace hop`);

    const scenario = scenarioFor(targets);
    const c = LOADED_CONCURRENCY;
    log("measuring ...");
    const measured = await runScenarios(
      [
        [scenario("A", "filter+sort+page", "stand-in", c), scenario("B", "filter+sort+page", "direct", c)],
        [scenario("C", "limit=1", "stand-in", c), scenario("D", "limit=1", "direct", c)],
        [scenario("A1", "filter+sort+page", "stand-in", 1), scenario("B1", "filter+sort+page", "direct", 1)],
        [scenario("C1", "limit=1", "stand-in", 1), scenario("D1", "limit=1", "direct", 1)],
        // The gateway by itself (Hono + socket), then with the x402 gate refusing: no creator runs.
        [scenario("E1", "/health", "dispatch", 1), scenario("F1", "unpaid call", "dispatch", 1)],
        [scenario("E", "/health", "dispatch", c), scenario("F", "unpaid call", "dispatch", c)],
      ],
      WARMUP_MS,
    );
    const memory = workerdProcesses();

    process.stdout.write("\n");
    print(
      `402claw local benchmark: ${ROWS} rows, ${MEASURE_MS / 1000} s per loaded run (${UNLOADED_MS / 1000} s at c=1), pairs interleaved in 1 s slices, ${WARMUP_MS / 1000} s warm-up each, node ${process.version}, load average at start ${startLoad}`,
    );
    print(scenarioTable(measured));
    print(overheadTable(measured, [c, 1]));
    print(coldTable(cold.hop, cold.direct));
    print(targetTable(measured, c));
    const roles = new Map(Object.entries(targets.pids).map(([side, pid]) => [pid, side]));
    if (memory.length > 0) {
      print(memory.map((p) => `workerd ${roles.get(p.pid) ?? "?"} RSS ${p.rssMb.toFixed(0)} MB`).join("\n"));
    }

    const failed = measured.filter((m) => m.summary.errors > 0);
    for (const m of failed) log(`${m.id} had ${m.summary.errors} failed requests, first: ${m.firstError}`);
    log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    clearTimeout(overrun);
    await targets.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
