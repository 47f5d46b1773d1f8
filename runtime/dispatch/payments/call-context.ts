import { AsyncLocalStorage } from "node:async_hooks";
import type { PaidCall } from "./paid-call.ts";

/**
 * The per-request context of the isolate's one payment gate: x402's hooks, the route's price and
 * payTo, and the channel storage run inside `withCall`, so each finds the call it belongs to
 * without the gate being rebuilt per request.
 */
const calls = new AsyncLocalStorage<PaidCall>();

/** Runs `work` with `call` as the current call (everything it awaits sees the same call). */
export function withCall<R>(call: PaidCall, work: () => Promise<R>): Promise<R> {
  return calls.run(call, work);
}

/** The call being handled, or undefined outside one (at construction, in an alarm). */
export function currentCall(): PaidCall | undefined {
  return calls.getStore();
}
