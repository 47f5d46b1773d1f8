import { Log, LogLevel, Miniflare } from "miniflare";
import type { BuiltApi } from "../core/build/types.ts";

export interface DirectWorker {
  url: string;
  stop(): Promise<void>;
}

const BUCKET = "bench-direct-data";

/**
 * The baseline: the very same built creator bundle, run as a statically configured worker with
 * a real R2 binding on its own direct socket, i.e. what "no gateway in front" would cost.
 */
export async function startDirectWorker(api: BuiltApi): Promise<DirectWorker> {
  if (!api.data) throw new Error(`${api.slug} is not a data API; the baseline serves a dataset`);
  // Miniflare treats the first module as the entry point.
  const ordered = [...api.modules].sort(
    (a, b) => Number(b.name === api.mainModule) - Number(a.name === api.mainModule),
  );
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(LogLevel.WARN),
    workers: [
      {
        name: "direct",
        modules: ordered.map((module) => ({
          type: "ESModule" as const,
          path: module.name,
          contents: module.content,
        })),
        compatibilityDate: api.compatibilityDate,
        compatibilityFlags: api.compatibilityFlags,
        bindings: api.vars,
        r2Buckets: { DATA: BUCKET },
        // Same socket kind as the gateway, so both sides pay the same HTTP front end.
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
    ],
  });
  try {
    await mf.ready;
    const bucket = await mf.getR2Bucket("DATA", "direct");
    await bucket.put(api.data.key, api.data.body, { httpMetadata: { contentType: api.data.contentType } });
    const url = (await mf.unsafeGetDirectURL("direct")).origin;
    return { url, stop: () => mf.dispose() };
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
}
