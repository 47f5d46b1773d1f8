import type { BuiltApi } from "../core/build/types.ts";
import { startLocalStack } from "../local/stack.ts";
import { BENCH_SLUG, BENCH_STACK, makeBenchProject } from "./bench-project.ts";
import { bigTableCsv } from "./big-table-csv.ts";
import { startDirectWorker } from "./direct-worker.ts";
import { startNamespaceOnly } from "./namespace-only.ts";
import type { Side } from "./scenarios.ts";
import { workerdProcesses } from "./workerd-process.ts";

export interface BenchTargets {
  api: BuiltApi;
  origins: Record<Side, string>;
  /** The workerd process behind each side (Linux only), for CPU and memory. */
  pids: Partial<Record<Side, number>>;
  stop(): Promise<void>;
}

/**
 * Starts everything one run measures: the local stack on a temp project holding only the
 * generated table, and the two baselines serving the very bundle the stack built (the creator
 * worker alone, and behind the namespace stand-in alone). `stop()` stops all of it, also when
 * a later start fails.
 */
export async function startBenchTargets(rows: number): Promise<BenchTargets> {
  const project = makeBenchProject(bigTableCsv(rows));
  const stoppers: Array<() => Promise<void> | void> = [() => project.remove()];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await Promise.resolve(stopOne()).catch(() => {});
    stoppers.length = 0;
  };
  const pids: BenchTargets["pids"] = {};
  // Miniflare hides workerd's pid: each start's new workerd is the one not seen before.
  const seen = new Set<number>();
  const newPid = () => {
    const fresh = workerdProcesses().find((p) => !seen.has(p.pid))?.pid;
    if (fresh !== undefined) seen.add(fresh);
    return fresh;
  };
  for (const p of workerdProcesses()) seen.add(p.pid);
  try {
    const stack = await startLocalStack({
      root: project.root,
      stack: BENCH_STACK,
      port: 0,
      persist: false,
      localDir: `${project.root}/.local`,
      // Fixed default ports would collide with a dev stack or another run on this machine.
      chainPort: 0,
      facilitatorPort: 0,
    });
    stoppers.push(() => stack.stop());
    pids.dispatch = newPid();
    const api = stack.apis.find((built) => built.slug === BENCH_SLUG);
    if (!api) throw new Error(`the stack did not publish ${BENCH_SLUG}`);
    const direct = await startDirectWorker(api);
    stoppers.push(() => direct.stop());
    pids.direct = newPid();
    const standIn = await startNamespaceOnly(api);
    stoppers.push(() => standIn.stop());
    pids["stand-in"] = newPid();
    return { api, origins: { dispatch: stack.url, direct: direct.url, "stand-in": standIn.url }, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
