import {
  type CreatorFault,
  type DispatchOptions,
  FAULT_HEADER,
  OPTIONS_HEADER,
  SCRIPT_HEADER,
} from "../local-namespace/protocol.ts";
import { CPU_LIMIT_MESSAGE } from "./creator-fault.ts";
import type { DispatchEnv } from "./env.ts";

/** The slice of a dispatch namespace the gateway uses: `get(name, args, options).fetch(request)`. */
export interface Namespace {
  get(
    scriptName: string,
    args: Record<string, unknown>,
    options: DispatchOptions,
  ): { fetch(request: Request): Promise<Response> };
}

/**
 * Production uses the real dispatch namespace binding; locally (where that binding cannot run)
 * the same shape is served by the stand-in over HTTP, through the creator supervisor. It throws
 * what the real binding throws (a missing worker, a CPU limit hit), so nothing else differs.
 */
export function namespaceFor(env: DispatchEnv): Namespace {
  if (env.DISPATCHER) return env.DISPATCHER as unknown as Namespace;
  const local = env.LOCAL_NAMESPACE;
  if (!local)
    throw new Error("no dispatch namespace binding: set DISPATCHER (production) or LOCAL_NAMESPACE (local)");
  return {
    get: (scriptName, _args, options) => ({
      fetch: async (request) => {
        const headers = new Headers(request.headers);
        headers.set(SCRIPT_HEADER, scriptName);
        headers.set(OPTIONS_HEADER, JSON.stringify(options));
        const response = await local.fetch(new Request(request, { headers }));
        const fault = response.headers.get(FAULT_HEADER) as CreatorFault | null;
        if (fault === null) return response;
        await response.body?.cancel();
        throw faultError(fault, scriptName);
      },
    }),
  };
}

/** The exception the real binding raises for each way a user worker can fail to answer. */
function faultError(fault: CreatorFault, scriptName: string): Error {
  if (fault === "cpu_exceeded") return new Error(CPU_LIMIT_MESSAGE);
  if (fault === "not_found") return new Error(`Worker not found: ${scriptName}`);
  return new Error(`user worker ${scriptName} threw an exception`);
}
