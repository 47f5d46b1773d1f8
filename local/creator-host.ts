import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Log, LogLevel, type MiniflareOptions } from "miniflare";
import { BINDINGS } from "../core/bindings.ts";
import { runtimePath } from "../core/build/bundle.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../core/build/compat.ts";
import type { PlatformBundles } from "./platform-workers.ts";

/** The worker in a creator process that the supervisor talks to. */
export const CREATOR_HOST_WORKER = "namespace";

export interface CreatorHostOptions {
  bundles: Pick<PlatformBundles, "namespace" | "outbound"> & Partial<Pick<PlatformBundles, "pythonHost">>;
  /** A Python API's process: the stand-in gets Pyodide (~13 MB) to run it. */
  python?: boolean;
  /** Folder for this process's scripts (KV) and data (R2); kept across restarts. */
  persistDir: string;
  /** hostname → loopback origin, for allowed test hosts only (see fixture-upstream.ts). */
  resolveOverrides: Record<string, string>;
  /** Per-creator egress requests per minute. */
  egressPerMinute: number;
}

/**
 * One creator process: workerd with the namespace stand-in and the outbound worker. Creator code
 * runs here, never in the gateway's process, so a creator that blocks the thread blocks only this.
 */
export function creatorHostConfig(options: CreatorHostOptions): MiniflareOptions {
  const persist = options.persistDir;
  return {
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(LogLevel.WARN),
    kvPersist: `${persist}/kv`,
    r2Persist: `${persist}/r2`,
    workers: [
      {
        name: CREATOR_HOST_WORKER,
        modules: [{ type: "ESModule", path: "namespace.js", contents: options.bundles.namespace }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        workerLoaders: { LOADER: {} },
        kvNamespaces: { SCRIPTS: "402claw-local-scripts" },
        r2Buckets: { [BINDINGS.data]: "402claw-data" },
        serviceBindings: { OUTBOUND: { name: "outbound", entrypoint: "OutboundGateway" } },
        ...(options.python ? pythonBindings(options.bundles.pythonHost) : {}),
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
}

/** Pyodide's files from the `pyodide` npm package, as the stand-in's bindings (python-worker.ts). */
function pythonBindings(host: string | undefined): Partial<MiniflareOptions> {
  if (!host)
    throw new Error("a Python API's creator process needs the bundled Python host (bundles.pythonHost)");
  const dir = dirname(createRequire(import.meta.url).resolve("pyodide/package.json"));
  return {
    bindings: { PYTHON_HOST: host },
    textBlobBindings: {
      PYODIDE_MJS: join(dir, "pyodide.mjs"),
      PYODIDE_ASM_MJS: join(dir, "pyodide.asm.mjs"),
      PYODIDE_LOCK: join(dir, "pyodide-lock.json"),
      // Local-only Python modules: the `workers` SDK stand-in and the host's call into claw_worker.
      PYTHON_WORKERS_SHIM: runtimePath("templates/python/local/workers.py"),
      PYTHON_CLAW_LOCAL: runtimePath("templates/python/local/claw_local.py"),
    },
    dataBlobBindings: {
      PYODIDE_WASM: join(dir, "pyodide.asm.wasm"),
      PYODIDE_STDLIB: join(dir, "python_stdlib.zip"),
    },
  } as Partial<MiniflareOptions>;
}
