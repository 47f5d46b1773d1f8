import { Agent } from "node:http";
import { performance } from "node:perf_hooks";
import { httpGet } from "./http-get.ts";

export interface LoadOptions {
  origin: string;
  /** Request paths used round-robin, so one cached answer cannot stand in for the work. */
  paths: readonly string[];
  concurrency: number;
  warmupMs: number;
  /** The status a correct answer has (200, or 402 for an unpaid call to the gateway). */
  expectStatus?: number;
  durationMs: number;
}

export interface LoadResult {
  /** Per-request latency (ms) of requests started inside the measured window. */
  latencies: number[];
  /** From the window's start to the last measured response. */
  elapsedMs: number;
  errors: number;
  firstError?: string;
}

/**
 * A closed-loop load generator: `concurrency` workers on keep-alive sockets, each sending its
 * next request as soon as the previous answer is read. Bounded by time, not by request count,
 * so a slow target cannot stretch the run.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const origin = new URL(options.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  const result: LoadResult = { latencies: [], elapsedMs: 0, errors: 0 };
  let next = 0;
  let lastEnd = measureFrom;

  const worker = async () => {
    for (let sent = performance.now(); sent < stopAt; sent = performance.now()) {
      const path = options.paths[next++ % options.paths.length]!;
      const response = await httpGet(agent, origin, path).catch((error: Error) => ({
        status: 0,
        body: error.message,
      }));
      const done = performance.now();
      if (sent < measureFrom) continue;
      if (response.status !== (options.expectStatus ?? 200)) {
        result.errors++;
        result.firstError ??= `${response.status} ${path}: ${response.body.slice(0, 200)}`;
        continue;
      }
      result.latencies.push(done - sent);
      lastEnd = Math.max(lastEnd, done);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  result.elapsedMs = lastEnd - measureFrom;
  return result;
}
