import { Log, LogLevel, Miniflare } from "miniflare";
import { BINDINGS } from "../core/bindings.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../core/build/compat.ts";
import type { BuiltApi } from "../core/build/types.ts";
import { startCreatorSupervisor } from "../local/creator-supervisor.ts";
import { bundlePlatformWorkers } from "../local/platform-workers.ts";
import { deployToLocalNamespace } from "../local/publish.ts";
import { OPTIONS_HEADER, SCRIPT_HEADER } from "../runtime/local-namespace/protocol.ts";
import type { DirectWorker } from "./direct-worker.ts";

/**
 * A front worker that calls the local namespace exactly as the gateway does (through the creator
 * supervisor to the API's own creator process), with nothing else in the way. Its cost minus
 * the direct worker's is the local stand-in's hop (supervisor + Worker Loader); the gateway's
 * cost minus this one is the dispatch worker's own code. Production has no stand-in hop.
 */
const FRONT = (scriptName: string) => `
export default {
  fetch(request, env) {
    const headers = new Headers(request.headers);
    headers.set(${JSON.stringify(SCRIPT_HEADER)}, ${JSON.stringify(scriptName)});
    headers.set(${JSON.stringify(OPTIONS_HEADER)}, JSON.stringify({ outbound: {} }));
    return env.${BINDINGS.localNamespace}.fetch(new Request(request, { headers }));
  },
};`;

export async function startNamespaceOnly(api: BuiltApi): Promise<DirectWorker> {
  const bundles = await bundlePlatformWorkers();
  const creators = await startCreatorSupervisor({ bundles, resolveOverrides: {}, egressPerMinute: 600 });
  // Deployed first, so the creator's workerd is the first new one (bench/targets.ts reads its CPU).
  try {
    await deployToLocalNamespace(creators, api);
  } catch (error) {
    await creators.stop();
    throw error;
  }
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
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        serviceBindings: { [BINDINGS.localNamespace]: { external: { address: creators.address, http: {} } } },
      },
    ],
  });
  const stop = async () => {
    await mf.dispose().catch(() => {});
    await creators.stop();
  };
  try {
    await mf.ready;
    const url = (await mf.unsafeGetDirectURL("front")).origin;
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
