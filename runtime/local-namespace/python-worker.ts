/**
 * How the local stand-in loads a Python function: the Python Worker's own modules (the ones
 * production deploys) are served by a JS host running CPython from the `pyodide` npm package
 * (runtime/templates/python/local-host.ts), because workerd cannot load Cloudflare's Python
 * runtime offline. The Pyodide files are bindings of a Python API's creator process only.
 *
 * The host's isolate is keyed by what must not change under a running interpreter (secrets,
 * vars, compatibility, dispatch options), not by the code: a republished version is read by the
 * host through its files binding and swapped into the running interpreter (no 2–3 s restart).
 */
import type { DispatchOptions, LocalScript } from "./protocol.ts";

/** One version of a Python function's files, as the stand-in's `PythonFiles` gives them to the host. */
export interface PythonVersion {
  version: string;
  /** The creator's module name (e.g. `handler`). */
  module: string;
  /** The Python Worker's modules (claw_worker.py, claw_entry.py, the creator's, python_modules/…). */
  files: Record<string, string>;
  /** Local-only modules (the `workers` stand-in, claw_local.py), kept apart from the creator's. */
  platform: Record<string, string>;
}

/** The host's env binding through which it reads a version's files (the creator never sees it). */
export const PYTHON_FILES_BINDING = "CLAW_FILES";

/** Bindings a Python API's creator process gives the stand-in (local/creator-host.ts). */
export interface PythonAssets {
  PYTHON_HOST: string;
  PYODIDE_MJS: string;
  PYODIDE_ASM_MJS: string;
  PYODIDE_LOCK: string;
  PYODIDE_WASM: ArrayBuffer;
  PYODIDE_STDLIB: ArrayBuffer;
  /** runtime/templates/python/local/workers.py: the `workers` SDK module production provides. */
  PYTHON_WORKERS_SHIM: string;
  /** runtime/templates/python/local/claw_local.py: how the host calls claw_worker's Default. */
  PYTHON_CLAW_LOCAL: string;
}

/** Main module and modules for the Worker Loader: the Pyodide host (the code comes per version). */
export function pythonWorkerCode(assets: Partial<PythonAssets>) {
  if (!assets.PYTHON_HOST || !assets.PYODIDE_WASM || !assets.PYODIDE_STDLIB) {
    throw new Error("this creator process has no Python runtime (it was started for a JS/TS worker)");
  }
  return {
    // Without nodejs_compat: with it, Pyodide would take its Node paths.
    compatibilityFlags: [] as string[],
    mainModule: "host.js",
    modules: {
      "host.js": { js: assets.PYTHON_HOST },
      "pyodide.mjs": { js: assets.PYODIDE_MJS! },
      "pyodide.asm.mjs": { js: assets.PYODIDE_ASM_MJS! },
      "pyodide.asm.wasm": { wasm: assets.PYODIDE_WASM },
      "python_stdlib.zip": { data: assets.PYODIDE_STDLIB },
      "pyodide-lock.json": { json: JSON.parse(assets.PYODIDE_LOCK!) as object },
    },
  };
}

/** One version of a Python script as the host installs it, or null when it is not the held one. */
export function pythonVersionOf(
  script: LocalScript,
  version: string,
  assets: Partial<PythonAssets>,
): PythonVersion | null {
  if (!script.python || script.contentHash !== version) return null;
  return {
    version,
    module: script.python.module,
    files: Object.fromEntries(script.modules.map((module) => [module.name, module.content])),
    platform: {
      "workers.py": assets.PYTHON_WORKERS_SHIM ?? "",
      "claw_local.py": assets.PYTHON_CLAW_LOCAL ?? "",
    },
  };
}

/**
 * The part of a Python worker's loader id that depends on the call: its outbound params (fixed
 * when the isolate is made), in a stable key order. Not the limits: the gateway always names a
 * CPU limit and the warm-up may not, and this workerd does not enforce them (the supervisor does).
 */
export function pythonOptionsKey(options: DispatchOptions): string {
  return JSON.stringify(sortKeys(options.outbound ?? {}));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
