/**
 * The exception Workers for Platforms raises from `userWorker.fetch()` when a user worker runs
 * past `limits.cpuMs` (https://developers.cloudflare.com/cloudflare-for-platforms/workers-for-platforms/configuration/custom-limits/:
 * "the user Worker will immediately throw an exception"; the Workers error is "Worker exceeded
 * CPU time limit."). No typed property marks it, so its documented message is what identifies it.
 */
export const CPU_LIMIT_MESSAGE = "Worker exceeded CPU time limit.";

/** True when a dispatch failed because the creator exceeded its CPU limit. */
export function isCpuLimitExceeded(error: unknown): boolean {
  return error instanceof Error && /exceeded CPU time limit/i.test(error.message);
}
