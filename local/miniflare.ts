import { Log, LogLevel, Miniflare, type MiniflareOptions } from "miniflare";
import { BINDINGS, PAYER_LEDGER_CLASS } from "../core/bindings.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../core/build/compat.ts";
import type { PlatformBundles } from "./platform-workers.ts";

export interface WorkerdOptions {
  bundles: Pick<PlatformBundles, "dispatch">;
  /** Port of the gateway on 127.0.0.1 (0 = any free port). */
  port: number;
  /** Folder for D1, KV, R2 and Durable Object state; undefined = in memory. */
  persistDir?: string;
  /** Plain-text settings of the dispatch worker (X402_NETWORK, FACILITATOR_URL, ...). */
  dispatchVars: Record<string, string>;
  /** host:port of the creator supervisor's router (the local dispatch namespace). */
  namespaceAddress: string;
}

export const DB_ID = "402claw-db";

/** Starts the gateway's workerd: the dispatch worker (creator code runs elsewhere, see creator-supervisor.ts). */
export async function startWorkerd(options: WorkerdOptions): Promise<Miniflare> {
  const persist = options.persistDir;
  const config: MiniflareOptions = {
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(LogLevel.WARN),
    ...(persist
      ? {
          d1Persist: `${persist}/d1`,
          kvPersist: `${persist}/kv`,
          durableObjectsPersist: `${persist}/do`,
        }
      : {}),
    workers: [
      {
        name: "dispatch",
        modules: [{ type: "ESModule", path: "dispatch.js", contents: options.bundles.dispatch }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        // Direct sockets skip Miniflare's entry proxy: production-like tails (FACTS.md).
        unsafeDirectSockets: [{ host: "127.0.0.1", port: options.port }],
        d1Databases: { [BINDINGS.db]: DB_ID },
        kvNamespaces: { [BINDINGS.cache]: "402claw-cache" },
        durableObjects: { [BINDINGS.payerLedger]: { className: PAYER_LEDGER_CLASS, useSQLite: true } },
        bindings: options.dispatchVars,
        // Creator code runs in supervised processes of its own (creator-supervisor.ts), reached over HTTP.
        serviceBindings: {
          [BINDINGS.localNamespace]: { external: { address: options.namespaceAddress, http: {} } },
        },
      },
    ],
  };
  const mf = new Miniflare(config);
  try {
    await mf.ready;
  } catch (error) {
    // A port taken between its pick and the bind fails here: the caller may retry on another.
    await mf.dispose().catch(() => {});
    throw error;
  }
  return mf;
}

/** The URL the gateway listens on (its direct socket). */
export async function gatewayUrl(mf: Miniflare): Promise<string> {
  const url = await mf.unsafeGetDirectURL("dispatch");
  return url.origin;
}
