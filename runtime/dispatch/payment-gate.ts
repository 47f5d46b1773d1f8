import type { Context } from "hono";
import type { ApiRecord } from "./api-record.ts";
import type { DispatchEnv } from "./env.ts";
import { chargeFor } from "./payments/x402-gate.ts";

/** Runs the creator's worker once; the gate decides when. */
export type ServeCreator = () => Promise<Response>;

/** The payment gate: the single place where a call is charged (DESIGN.md "One paid call"). */
export function settleCall(
  c: Context<{ Bindings: DispatchEnv }>,
  api: ApiRecord,
  serve: ServeCreator,
): Promise<Response> {
  return chargeFor(c, api, serve);
}
