import { performance } from "node:perf_hooks";
import { decodePaymentResponseHeader } from "@x402/core/http";
import type { LoadResult } from "./load.ts";

export interface PaidLoadOptions {
  url: string;
  /** One paying fetch per payer; each payer sends its calls one after another. */
  payers: ReadonlyArray<typeof fetch>;
  /** Total paid calls, shared out as payers become free (a bounded count, not a duration). */
  calls: number;
  /** The answer every paid call must return, byte for byte. */
  expectedBody: string;
}

/** A stuck call becomes an error instead of hanging the run (the facilitator's own limit is 30 s). */
const CALL_TIMEOUT_MS = 40_000;

/**
 * Paid calls as a real client makes them: the official client gets the 402, signs a fresh
 * EIP-3009 authorization, retries with it and reads the answer. Latency covers all of that.
 * A call counts only if it is a 200 with the expected body and a successful PAYMENT-RESPONSE.
 */
export async function runPaidLoad(options: PaidLoadOptions): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], elapsedMs: 0, errors: 0 };
  let started = 0;
  const fail = (reason: string) => {
    result.errors++;
    result.firstError ??= reason;
  };
  const payer = async (pay: typeof fetch) => {
    while (started < options.calls) {
      started++;
      const sent = performance.now();
      try {
        const response = await pay(options.url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
        const body = await response.text();
        const done = performance.now();
        const problem = checkPaid(response, body, options.expectedBody);
        if (problem) fail(problem);
        else result.latencies.push(done - sent);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const start = performance.now();
  await Promise.all(options.payers.map(payer));
  result.elapsedMs = performance.now() - start;
  return result;
}

function checkPaid(response: Response, body: string, expectedBody: string): string | undefined {
  if (response.status !== 200) return `${response.status}: ${body.slice(0, 200)}`;
  const header = response.headers.get("payment-response");
  if (!header) return "200 without a PAYMENT-RESPONSE header";
  const settled = decodePaymentResponseHeader(header);
  if (!settled.success) return `PAYMENT-RESPONSE says not settled: ${settled.errorReason ?? "?"}`;
  if (body !== expectedBody) return `a different answer: ${body.slice(0, 200)}`;
  return undefined;
}
