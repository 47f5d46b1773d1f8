import { Log, LogLevel, Miniflare } from "miniflare";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../core/build/compat.ts";
import type { BuiltApi } from "../core/build/types.ts";
import { bundlePlatformWorkers } from "../local/platform-workers.ts";
import { deployToLocalNamespace } from "../local/publish.ts";
import type { DirectWorker } from "./direct-worker.ts";

/**
 * A front worker that calls the local namespace stand-in exactly as the gateway does
 * (`LOCAL_NAMESPACE.dispatch(name, request, options)`), with nothing else in the way. Its cost
 * minus the direct worker's is the local stand-in's hop (RPC + Worker Loader); the gateway's
 * cost minus this one is the dispatch worker's own code. Production has no stand-in hop.
 */
const FRONT = (scriptName: string) => `
export default {
  fetch(request, env) {
    return env.LOCAL_NAMESPACE.dispatch(${JSON.stringify(scriptName)}, request, { outbound: {} });
  },
};`;

export async function startNamespaceOnly(api: BuiltApi): Promise<DirectWorker> {
  const bundles = await bundlePlatformWorkers();
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(LogLevel.WARN),
    workers: [
      {
        name: "front",
        modules: [{ type: "ESModule", path: "front.js", contents: FRONT(api.workerName) }],
        compatibilityDate: COMPATIBILITY_DATE,
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        serviceBindings: { LOCAL_NAMESPACE: { name: "namespace", entrypoint: "LocalNamespace" } },
      },
      // The next two mirror local/miniflare.ts, so the stand-in runs as it does in the stack.
      {
        name: "namespace",
        modules: [{ type: "ESModule", path: "namespace.js", contents: bundles.namespace }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        workerLoaders: { LOADER: {} },
        kvNamespaces: { SCRIPTS: "bench-scripts" },
        r2Buckets: { DATA: "bench-data" },
        serviceBindings: { OUTBOUND: { name: "outbound", entrypoint: "OutboundGateway" } },
      },
      {
        name: "outbound",
        modules: [{ type: "ESModule", path: "outbound.js", contents: bundles.outbound }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        bindings: { RESOLVE_OVERRIDES: "{}" },
        ratelimits: { EGRESS_LIMITER: { namespace_id: "1001", simple: { limit: 600, period: 60 } } },
      },
    ],
  });
  try {
    await mf.ready;
    await deployToLocalNamespace(mf, api);
    const url = (await mf.unsafeGetDirectURL("front")).origin;
    return { url, stop: () => mf.dispose() };
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
}
