/**
 * Creator isolation benchmark: how the gateway answers while a creator's code loops forever.
 * One local stack (dev APIs + the `hostile-loop` fixture), measured in one run:
 *   idle       /health and an unpaid 402 quote, nothing else running
 *   looping    the same, while paid calls to `hostile-loop` keep one runaway creator busy
 *              (each is stopped by the supervisor, answered 502, and the next one starts)
 * plus the cost of the design: workerd processes and their memory, a creator process's start,
 * a republish into a running process, and a runaway's stop-and-restart.
 *
 *   npm run bench:isolation    (BENCH_SECONDS=5 per phase by default; ~40 s)
 *
 * Target: /health p99 ≤ 100 ms while a creator loops. A miss prints MISS; the process exits 0
 * unless the run itself broke.
 */
import { performance } from "node:perf_hooks";
import { buildApi } from "../core/build/build-api.ts";
import { loadStackApis } from "../core/manifest/load.ts";
import { demoPayerFetch } from "../e2e/support/pay.ts";
import { makeTempProject } from "../e2e/support/temp-project.ts";
import { startTestStack } from "../e2e/support/test-stack.ts";
import { deployToLocalNamespace } from "../local/publish.ts";
import { runLoad } from "./load.ts";
import { summarise } from "./stats.ts";
import { workerdProcesses } from "./workerd-process.ts";

const PHASE_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const TARGET_P99_MS = 100;
const RUNAWAY = "hostile-loop";

const log = (message: string) => process.stderr.write(`${message}\n`);
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  const project = makeTempProject({ fixtures: [RUNAWAY] });
  const started = performance.now();
  const stack = await startTestStack(project);
  const startMs = performance.now() - started;
  try {
    const paying = demoPayerFetch(stack.devFile);
    const workerName = stack.apis.find((api) => api.slug === RUNAWAY)!.workerName;
    const processes = workerdProcesses();

    const measure = async () => {
      const [health, quote] = await Promise.all([
        runLoad({
          origin: stack.url,
          paths: ["/health"],
          concurrency: 1,
          warmupMs: 300,
          durationMs: PHASE_MS,
        }),
        runLoad({
          origin: stack.url,
          paths: ["/world-cities?limit=1"],
          concurrency: 1,
          warmupMs: 300,
          durationMs: PHASE_MS,
          expectStatus: 402,
        }),
      ]);
      return { health: summarise(health), quote: summarise(quote) };
    };

    log("idle baseline…");
    const idle = await measure();

    log("while a creator loops…");
    let looping = true;
    const runawayStatuses: number[] = [];
    const runaway = (async () => {
      // Bounded: one call at a time, each ends when the supervisor stops the creator.
      while (looping) runawayStatuses.push((await paying(`${stack.url}/${RUNAWAY}`)).status);
    })();
    await stack.creators.nextCall(workerName);
    const loaded = await measure();
    looping = false;
    await runaway;

    log("costs…");
    const stopStarted = performance.now();
    const restartsBefore = await stack.creators.restarts(workerName);
    const stopped = await paying(`${stack.url}/${RUNAWAY}`);
    const stopMs = performance.now() - stopStarted;
    const againStarted = performance.now();
    const again = await paying(`${stack.url}/${RUNAWAY}?behave=1`);
    const serveAgainMs = performance.now() - againStarted;
    const [loadedApi] = loadStackApis(project.root, "dev").apis.filter(
      (api) => api.manifest.slug === RUNAWAY,
    );
    const built = await buildApi(loadedApi!);
    const republishStarted = performance.now();
    await deployToLocalNamespace(stack.creators, built);
    const republishMs = performance.now() - republishStarted;
    const freshStarted = performance.now();
    await deployToLocalNamespace(stack.creators, { ...built, workerName: `${built.workerName}-fresh` });
    const freshMs = performance.now() - freshStarted;
    await stack.creators.remove(`${built.workerName}-fresh`);

    const row = (name: string, s: ReturnType<typeof summarise>) =>
      `| ${name} | ${s.requests} | ${ms(s.p50)} | ${ms(s.p99)} | ${s.errors} |`;
    const verdict = loaded.health.p99 <= TARGET_P99_MS ? "OK" : "MISS";
    const gateway = processes[0];
    const creators = processes.slice(1);
    const creatorRss = creators.reduce((sum, p) => sum + p.rssMb, 0);
    const creatorPss = creators.reduce((sum, p) => sum + p.pssMb, 0);
    process.stdout.write(
      [
        `Creator isolation (${PHASE_MS / 1000} s per phase, concurrency 1 per workload, same run)`,
        "",
        "| workload | requests | p50 | p99 | errors |",
        "| --- | --- | --- | --- | --- |",
        row("/health, idle", idle.health),
        row("/health, creator looping", loaded.health),
        row("402 quote, idle", idle.quote),
        row("402 quote, creator looping", loaded.quote),
        "",
        `/health p99 while a creator loops: ${ms(loaded.health.p99)} (target ≤ ${TARGET_P99_MS} ms): ${verdict}`,
        `runaway calls during the phase: ${runawayStatuses.length} (statuses ${[...new Set(runawayStatuses)].join(", ")})`,
        `runaway stopped and answered in ${ms(stopMs)} (status ${stopped.status}, restarts ${restartsBefore} → ${await stack.creators.restarts(workerName)})`,
        `same API served again in ${ms(serveAgainMs)} (status ${again.status})`,
        `republish into a running creator process: ${ms(republishMs)}; a new API's first deploy (process start): ${ms(freshMs)}`,
        `stack start: ${ms(startMs)}; workerd processes: ${processes.length} (gateway ${gateway?.rssMb.toFixed(0)} MB RSS / ${gateway?.pssMb.toFixed(0)} MB PSS; ${creators.length} creator processes: ${creatorRss.toFixed(0)} MB RSS / ${creatorPss.toFixed(0)} MB PSS in all, ${(creatorPss / Math.max(1, creators.length)).toFixed(0)} MB PSS each)`,
        "",
      ].join("\n"),
    );
  } finally {
    await stack.stop();
    project.remove();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
