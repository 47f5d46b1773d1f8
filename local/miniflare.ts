import { Log, LogLevel, Miniflare, type MiniflareOptions } from "miniflare";
import { BINDINGS, PAYER_LEDGER_CLASS } from "../core/bindings.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../core/build/compat.ts";
import type { PlatformBundles } from "./platform-workers.ts";

export interface WorkerdOptions {
  bundles: PlatformBundles;
  /** Port of the gateway on 127.0.0.1 (0 = any free port). */
  port: number;
  /** Folder for D1, KV, R2 and Durable Object state; undefined = in memory. */
  persistDir?: string;
  /** Plain-text settings of the dispatch worker (X402_NETWORK, FACILITATOR_URL, ...). */
  dispatchVars: Record<string, string>;
  /** hostname → loopback origin, for allowed test hosts only (see fixture-upstream.ts). */
  resolveOverrides: Record<string, string>;
  /** Per-creator egress requests per minute. */
  egressPerMinute: number;
}

export const DB_ID = "402claw-db";

/** Starts workerd with the dispatch worker, the outbound worker and the namespace stand-in. */
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
          r2Persist: `${persist}/r2`,
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
        serviceBindings: { [BINDINGS.localNamespace]: { name: "namespace", entrypoint: "LocalNamespace" } },
      },
      {
        name: "namespace",
        modules: [{ type: "ESModule", path: "namespace.js", contents: options.bundles.namespace }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        workerLoaders: { LOADER: {} },
        kvNamespaces: { SCRIPTS: "402claw-local-scripts" },
        r2Buckets: { [BINDINGS.data]: "402claw-data" },
        serviceBindings: { OUTBOUND: { name: "outbound", entrypoint: "OutboundGateway" } },
      },
      {
        name: "outbound",
        modules: [{ type: "ESModule", path: "outbound.js", contents: options.bundles.outbound }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        bindings: { RESOLVE_OVERRIDES: JSON.stringify(options.resolveOverrides) },
        ratelimits: {
          [BINDINGS.egressLimiter]: {
            namespace_id: "1001",
            simple: { limit: options.egressPerMinute, period: 60 },
          },
        },
      },
    ],
  };
  const mf = new Miniflare(config);
  await mf.ready;
  return mf;
}

/** The URL the gateway listens on (its direct socket). */
export async function gatewayUrl(mf: Miniflare): Promise<string> {
  const url = await mf.unsafeGetDirectURL("dispatch");
  return url.origin;
}
