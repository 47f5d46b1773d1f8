import { Agent } from "node:http";
import { performance } from "node:perf_hooks";
import { httpGet } from "./http-get.ts";

export interface ColdTimings {
  /** First request of the isolate: start, dataset read from R2, JSON parse, columnar load. */
  firstLoadMs: number;
  /** First sorted query on a warm table: builds the sort permutation. */
  coldSortMs: number;
  /** Median of the same query repeated once the permutation is cached. */
  warmMs: number;
}

const WARM_REPEATS = 7;

/** Times the one-off costs a fresh isolate pays, in order, before any load runs. */
export async function measureCold(origin: string, lightPath: string, sortPath: string): Promise<ColdTimings> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(origin);
  const timed = async (path: string) => {
    const start = performance.now();
    const response = await httpGet(agent, url, path);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${response.body}`);
    return performance.now() - start;
  };
  try {
    const firstLoadMs = await timed(lightPath);
    const coldSortMs = await timed(sortPath);
    const warm: number[] = [];
    for (let i = 0; i < WARM_REPEATS; i++) warm.push(await timed(sortPath));
    warm.sort((a, b) => a - b);
    return { firstLoadMs, coldSortMs, warmMs: warm[Math.floor(warm.length / 2)]! };
  } finally {
    agent.destroy();
  }
}
