/**
 * The local stand-in for a Python Worker (workerd cannot load Cloudflare's Python runtime
 * offline): a JS module worker that runs CPython from the `pyodide` npm package and calls the
 * production main module, claw_worker.py (its `Default` entrypoint), which calls the creator's
 * module through claw_entry.py: the same Python code path as production. The local namespace
 * loads it with the Worker Loader like any creator worker, so its outgoing fetch (Python's
 * `pyfetch`, `from js import fetch`) goes through the outbound worker's egress policy, and the
 * supervisor's CPU and wall-time limits apply. Loaded without nodejs_compat: with it, Pyodide
 * would take its Node paths.
 *
 * One isolate serves every version of one API (same secrets, vars and dispatch options): the
 * interpreter starts once (2–3 s) and a republished version is swapped in within milliseconds.
 * Each call names the version it is for (`ctx.props.version`, the content hash); when it is not
 * the loaded one, the host fetches that version's files from the stand-in (`CLAW_FILES`), drops
 * every module imported since the interpreter started (the creator's, vendored packages, the
 * platform's entry modules, stdlib modules they pulled in), rewrites the files and imports afresh.
 *
 * The modules beside this one (set by the stand-in): pyodide.mjs, pyodide.asm.mjs,
 * pyodide.asm.wasm (compiled at load), python_stdlib.zip (data) and pyodide-lock.json.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import {
  PYTHON_FILES_BINDING as FILES_BINDING,
  type PythonVersion,
} from "../../local-namespace/python-worker.ts";
// @ts-expect-error: provided as a module by the stand-in, not bundled
import createPyodideModule from "./pyodide.asm.mjs";
// @ts-expect-error: the compiled WebAssembly module
import pyodideWasm from "./pyodide.asm.wasm";
// @ts-expect-error: provided as a module by the stand-in, not bundled
import { loadPyodide } from "./pyodide.mjs";
// @ts-expect-error: JSON module
import lockFile from "./pyodide-lock.json";
// @ts-expect-error: data module
import stdlib from "./python_stdlib.zip";

interface HostEnv {
  [FILES_BINDING]: { files(version: string): Promise<PythonVersion | null> };
  [name: string]: unknown;
}

interface PyodideLike {
  FS: { mkdirTree(path: string): void; writeFile(path: string, data: string): void };
  runPython(code: string): unknown;
  pyimport(name: string): PyModule;
}
type PyModule = Record<string, (...args: unknown[]) => unknown> & { destroy?: () => void };

/** A fake origin for Pyodide's files: only `loadPyodide` fetches it, and only the stdlib. */
const INDEX_URL = "https://pyodide.local/";
const CREATOR_DIR = "/session/creator";
const PLATFORM_DIR = "/session/platform";

// Without nodejs_compat there is no setImmediate, which Pyodide's event loop uses.
(globalThis as { setImmediate?: unknown }).setImmediate ??= (callback: () => void) => setTimeout(callback, 0);

let interpreter: Promise<PyodideLike> | undefined;
let loaded:
  | { version: string; ready: Promise<{ entry: PyModule; local: PyModule; module: string }> }
  | undefined;

/** Starts CPython once per isolate (not at startup: random values are not allowed there). */
function python(): Promise<PyodideLike> {
  interpreter ??= (async () => {
    const realFetch = globalThis.fetch;
    // Pyodide's browser paths resolve its files against `location`, which workerd has not.
    (globalThis as { location?: unknown }).location ??= new URL(INDEX_URL);
    // While loading, and only then, Pyodide's one fetch (the stdlib) is served from the module.
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url === `${INDEX_URL}python_stdlib.zip`) return new Response(stdlib as ArrayBuffer);
      return new Response("not available", { status: 404 });
    }) as typeof fetch;
    try {
      const pyodide = (await loadPyodide({
        indexURL: INDEX_URL,
        lockFileContents: lockFile,
        createPyodideModule: (settings: Record<string, unknown>) =>
          createPyodideModule({
            ...settings,
            // The wasm is precompiled (no compilation at run time); the small JS error helpers
            // pyodide.mjs would compile from base64 are supplied here instead.
            instantiateWasm(
              imports: Record<string, Record<string, unknown>>,
              done: (i: unknown, m: unknown) => void,
            ) {
              const marker = Symbol("error marker");
              imports.env!.Jsv_GetError_import = () => marker;
              imports.env!.JsvError_Check = (value: unknown) => value === marker;
              WebAssembly.instantiate(pyodideWasm as WebAssembly.Module, imports as WebAssembly.Imports).then(
                (instance) => done(instance, pyodideWasm),
              );
              return {};
            },
          }),
      })) as PyodideLike;
      // The platform's modules first (the `workers` stand-in wins, as the runtime's own does),
      // then the creator's. No .pyc: a version saved within the same second and size as the last
      // must never be served from a stale cache. BASELINE: what a fresh version starts from.
      pyodide.runPython(`
import importlib, shutil, sys
sys.dont_write_bytecode = True
sys.path[0:0] = [${JSON.stringify(PLATFORM_DIR)}, ${JSON.stringify(CREATOR_DIR)}]
_claw_baseline = frozenset(sys.modules)
def _claw_forget():
    for name in [name for name in sys.modules if name not in _claw_baseline]:
        del sys.modules[name]
    for folder in (${JSON.stringify(PLATFORM_DIR)}, ${JSON.stringify(CREATOR_DIR)}):
        shutil.rmtree(folder, ignore_errors=True)
`);
      return pyodide;
    } finally {
      globalThis.fetch = realFetch;
    }
  })();
  interpreter.catch(() => {
    interpreter = undefined;
  });
  return interpreter;
}

/**
 * The interpreter with `version` imported: the loaded one, or that version swapped in (after any
 * swap in progress). The previous version's modules are forgotten before the new files land.
 */
function serving(env: HostEnv, version: string) {
  if (loaded?.version !== version) {
    const previous = loaded?.ready;
    const ready = (async () => {
      await previous?.catch(() => undefined);
      const pyodide = await python();
      const files = await env[FILES_BINDING].files(version);
      if (!files) throw new Error(`version ${version} of this function is no longer published`);
      if (previous) {
        const old = await previous.catch(() => undefined);
        old?.entry.destroy?.();
        old?.local.destroy?.();
      }
      pyodide.runPython("_claw_forget()");
      write(pyodide, PLATFORM_DIR, files.platform);
      write(pyodide, CREATOR_DIR, files.files);
      // The import system caches what it found in each folder (and that a folder was missing).
      pyodide.runPython("importlib.invalidate_caches(); sys.path_importer_cache.clear()");
      return {
        entry: pyodide.pyimport("claw_entry"),
        local: pyodide.pyimport("claw_local"),
        module: files.module,
      };
    })();
    loaded = { version, ready };
    ready.catch(() => {
      if (loaded?.ready === ready) loaded = undefined;
    });
  }
  return loaded.ready;
}

function write(pyodide: PyodideLike, root: string, files: Record<string, string>): void {
  pyodide.FS.mkdirTree(root);
  for (const [path, text] of Object.entries(files)) {
    const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (folder) pyodide.FS.mkdirTree(`${root}/${folder}`);
    pyodide.FS.writeFile(`${root}/${path}`, text);
  }
}

/** The bindings the creator sees: its vars and secrets, not the host's file channel. */
function creatorEnv(env: HostEnv): Record<string, unknown> {
  const { [FILES_BINDING]: _files, ...rest } = env;
  return rest;
}

function versionOf(props: unknown): string {
  const version = (props as { version?: unknown } | undefined)?.version;
  if (typeof version !== "string") throw new Error("the stand-in named no version for this call");
  return version;
}

/**
 * Starts CPython and imports the creator's module (this version) without a call: the stand-in
 * warms a Python worker when it is published, so no caller waits. Answers 200 with the form, or
 * 422 with the reason the module cannot serve (e.g. it defines no supported entry).
 */
export class Warm extends WorkerEntrypoint<HostEnv> {
  override async fetch(): Promise<Response> {
    try {
      const { entry, module } = await serving(this.env, versionOf(this.ctx.props));
      return Response.json({ form: entry.form!(module) });
    } catch (error) {
      return Response.json(
        { error: pythonProblem(String((error as Error).message ?? error)) },
        { status: 422 },
      );
    }
  }
}

/** A Python traceback in one line: the exception, and where in the creator's files it arose. */
function pythonProblem(traceback: string): string {
  const lines = traceback.trim().split("\n");
  const exception = (lines.at(-1) ?? traceback).replace(/^TypeError: (?=the Python module)/, "");
  const where = lines
    .map((line) => /File "\/session\/creator\/([^"]+)", line (\d+)/.exec(line))
    .filter((match) => match && match[1] !== "claw_entry.py" && match[1] !== "claw_worker.py")
    .at(-1);
  return where ? `${exception} (${where[1]} line ${where[2]})` : exception;
}

/** The production runtime's call: claw_worker's `Default(ctx, env).fetch(request)`. */
export default class PythonHost extends WorkerEntrypoint<HostEnv> {
  override async fetch(request: Request): Promise<Response> {
    const { local } = await serving(this.env, versionOf(this.ctx.props));
    return (await local.serve!(request, creatorEnv(this.env), this.ctx)) as Response;
  }
}
