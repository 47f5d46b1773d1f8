import type { DispatchOptions } from "../local-namespace/rpc.ts";
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
 * the same shape is served by the stand-in worker over RPC. Nothing else differs.
 */
export function namespaceFor(env: DispatchEnv): Namespace {
  if (env.DISPATCHER) return env.DISPATCHER as unknown as Namespace;
  const local = env.LOCAL_NAMESPACE;
  if (!local)
    throw new Error("no dispatch namespace binding: set DISPATCHER (production) or LOCAL_NAMESPACE (local)");
  return {
    get: (scriptName, _args, options) => ({
      fetch: (request) => local.dispatch(scriptName, request, options) as Promise<Response>,
    }),
  };
}
