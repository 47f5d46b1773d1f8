import type { LoadResult } from "./load.ts";

export interface Summary {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Nearest-rank percentile of an ascending array (no interpolation: every value was observed). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(result: LoadResult): Summary {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    rps: result.elapsedMs > 0 ? (sorted.length * 1000) / result.elapsedMs : 0,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: result.errors,
  };
}
