import { type LoadResult, runLoad } from "./load.ts";
import { type Summary, summarise } from "./stats.ts";
import { cpuMs } from "./workerd-process.ts";

/** Where requests go: the gateway, the creator worker alone, or the local namespace stand-in alone. */
export type Side = "dispatch" | "direct" | "stand-in";
/**
 * "/health" is answered by the gateway itself (no payment gate, no creator); "unpaid call" is a
 * data call without payment, answered 402 by the x402 gate before any creator runs.
 */
export type Workload = "filter+sort+page" | "limit=1" | "/health" | "unpaid call";

export interface Scenario {
  /** Short id for the table (A, B, ...). */
  id: string;
  workload: Workload;
  side: Side;
  origin: string;
  paths: readonly string[];
  concurrency: number;
  durationMs: number;
  /** 200 unless the gateway is expected to refuse (402 for an unpaid call). */
  expectStatus?: number;
  /** The workerd process serving this side, for CPU per request. */
  pid?: number;
}

export interface Measured extends Scenario {
  summary: Summary;
  /**
   * workerd CPU time per measured request (ms). Other load on the machine moves it much less
   * than latency, so it is the steadiest measure of what the gateway adds.
   */
  cpuPerRequestMs: number;
  firstError?: string;
}

/** Length of one interleaved slice: short enough that drift on a shared box hits both sides. */
const SLICE_MS = 1000;

/**
 * Runs groups one after another, never overlapping (2 cores are shared with the targets).
 * Inside a group (a dispatch/direct pair) the scenarios alternate in ~1 s slices, order
 * flipped every round, so background load and thermal drift land on both sides alike.
 */
export async function runScenarios(
  groups: ReadonlyArray<readonly Scenario[]>,
  warmupMs: number,
): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (const group of groups) {
    const totals = group.map(() => ({ result: emptyResult(), cpu: 0 }));
    for (const scenario of group) {
      process.stderr.write(
        `  ${scenario.id}: ${scenario.workload} via ${scenario.side}, c=${scenario.concurrency}\n`,
      );
      await runLoad({ ...scenario, warmupMs, durationMs: 0 });
    }
    const rounds = Math.max(1, Math.round(Math.max(...group.map((s) => s.durationMs)) / SLICE_MS));
    for (let round = 0; round < rounds; round++) {
      const order = group.map((_, index) => index);
      if (round % 2 === 1) order.reverse();
      for (const index of order) {
        const scenario = group[index]!;
        const cpuBefore = scenario.pid === undefined ? Number.NaN : cpuMs(scenario.pid);
        const slice = await runLoad({ ...scenario, warmupMs: 0, durationMs: scenario.durationMs / rounds });
        const total = totals[index]!;
        total.cpu += scenario.pid === undefined ? Number.NaN : cpuMs(scenario.pid) - cpuBefore;
        merge(total.result, slice);
      }
    }
    group.forEach((scenario, index) => {
      const { result, cpu } = totals[index]!;
      measured.push({
        ...scenario,
        summary: summarise(result),
        cpuPerRequestMs: cpu / (result.latencies.length + result.errors),
        ...(result.firstError ? { firstError: result.firstError } : {}),
      });
    });
  }
  return measured;
}

function emptyResult(): LoadResult {
  return { latencies: [], elapsedMs: 0, errors: 0 };
}

function merge(into: LoadResult, slice: LoadResult): void {
  for (const latency of slice.latencies) into.latencies.push(latency);
  into.elapsedMs += slice.elapsedMs;
  into.errors += slice.errors;
  into.firstError ??= slice.firstError;
}

/** The measured scenario of one workload, side and concurrency, if it ran. */
export function findMeasured(
  measured: readonly Measured[],
  workload: Workload,
  side: Side,
  concurrency: number,
): Measured | undefined {
  return measured.find((m) => m.workload === workload && m.side === side && m.concurrency === concurrency);
}
