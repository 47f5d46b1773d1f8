import type { ApiRecord } from "./api-record.ts";
import type { DispatchEnv } from "./env.ts";

/** Runs the creator's worker once; the gate decides when. */
export type ServeCreator = () => Promise<Response>;

export interface GateInput {
  env: DispatchEnv;
  ctx: ExecutionContext;
  request: Request;
  api: ApiRecord;
  serve: ServeCreator;
}

/**
 * The payment gate: the single place where a call is charged. Until x402 lands this serves
 * every call; the x402 verify → claim → serve → settle flow replaces the body of this function.
 */
export async function settleCall({ serve }: GateInput): Promise<Response> {
  return serve();
}
