/**
 * How the local stand-in loads a Python function: the Python Worker's own modules (the ones
 * production deploys) are served by a JS host running CPython from the `pyodide` npm package
 * (runtime/templates/python/local-host.ts), because workerd cannot load Cloudflare's Python
 * runtime offline. The Pyodide files are bindings of a Python API's creator process only.
 */
import type { LocalScript } from "./protocol.ts";

/** Bindings a Python API's creator process gives the stand-in (local/creator-host.ts). */
export interface PythonAssets {
  PYTHON_HOST: string;
  PYODIDE_MJS: string;
  PYODIDE_ASM_MJS: string;
  PYODIDE_LOCK: string;
  PYODIDE_WASM: ArrayBuffer;
  PYODIDE_STDLIB: ArrayBuffer;
}

/** Main module and modules for the Worker Loader: the Pyodide host around the creator's files. */
export function pythonWorkerCode(script: LocalScript, assets: Partial<PythonAssets>) {
  if (!assets.PYTHON_HOST || !assets.PYODIDE_WASM || !assets.PYODIDE_STDLIB) {
    throw new Error("this creator process has no Python runtime (it was started for a JS/TS worker)");
  }
  const files = Object.fromEntries(
    script.modules
      .filter((module) => module.name !== "claw_entry.py")
      .map((module) => [module.name, module.content]),
  );
  const entry = script.modules.find((module) => module.name === "claw_entry.py")?.content ?? "";
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
      "claw_entry.py": { text: entry },
      "creator-files.json": { json: { module: script.python!.module, files } },
    },
  };
}
