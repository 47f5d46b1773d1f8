/**
 * The local stand-in for a Python Worker (workerd cannot load Cloudflare's Python runtime
 * offline): a JS module worker that runs CPython from the `pyodide` npm package and calls the
 * production main module, claw_worker.py (`on_fetch`), which calls the creator's module through
 * claw_entry.py: the same Python code path as production. The local namespace
 * loads it with the Worker Loader like any creator worker, so its outgoing fetch (Python's
 * `pyfetch`, `from js import fetch`) goes through the outbound worker's egress policy, and the
 * supervisor's CPU and wall-time limits apply. Loaded without nodejs_compat: with it, Pyodide
 * would take its Node paths.
 *
 * The modules beside this one (set by the stand-in): pyodide.mjs, pyodide.asm.mjs,
 * pyodide.asm.wasm (compiled at load), python_stdlib.zip (data), pyodide-lock.json,
 * claw_entry.py, and creator-files.json (claw_worker.py and the creator's files).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
// @ts-expect-error: text module
import clawEntry from "./claw_entry.py";
// @ts-expect-error: JSON module written by the stand-in: { module, files: { path: text } }
import creatorFiles from "./creator-files.json";
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

interface PyodideLike {
  FS: { mkdirTree(path: string): void; writeFile(path: string, data: string): void };
  runPython(code: string): unknown;
  pyimport(name: string): Record<string, (...args: unknown[]) => unknown>;
}

/** A fake origin for Pyodide's files: only `loadPyodide` fetches it, and only the stdlib. */
const INDEX_URL = "https://pyodide.local/";
const CREATOR_DIR = "/session/creator";

const { module: creatorModule, files } = creatorFiles as { module: string; files: Record<string, string> };
type PyModule = Record<string, (...args: unknown[]) => unknown>;
let ready: Promise<{ entry: PyModule; main: PyModule }> | undefined;

// Without nodejs_compat there is no setImmediate, which Pyodide's event loop uses.
(globalThis as { setImmediate?: unknown }).setImmediate ??= (callback: () => void) => setTimeout(callback, 0);

/** Starts CPython once per isolate (not at startup: random values are not allowed there). */
function python(): Promise<{ entry: PyModule; main: PyModule }> {
  ready ??= (async () => {
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
      pyodide.FS.mkdirTree(CREATOR_DIR);
      pyodide.FS.writeFile(`${CREATOR_DIR}/claw_entry.py`, clawEntry as string);
      for (const [path, text] of Object.entries(files)) {
        const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
        if (folder) pyodide.FS.mkdirTree(`${CREATOR_DIR}/${folder}`);
        pyodide.FS.writeFile(`${CREATOR_DIR}/${path}`, text);
      }
      pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(CREATOR_DIR)})`);
      return { entry: pyodide.pyimport("claw_entry"), main: pyodide.pyimport("claw_worker") };
    } finally {
      globalThis.fetch = realFetch;
    }
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

/**
 * Starts CPython and imports the creator's module without a call (the stand-in warms a Python
 * worker when it is published, so no caller waits for the 2–3 s start). Answers 200, or 422 with
 * the reason the module cannot serve (e.g. it defines no supported entry).
 */
export class Warm extends WorkerEntrypoint {
  override async fetch(): Promise<Response> {
    try {
      const { entry } = await python();
      return Response.json({ form: entry.form!(creatorModule) });
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
    .filter((match) => match && match[1] !== "claw_entry.py")
    .at(-1);
  return where ? `${exception} (${where[1]} line ${where[2]})` : exception;
}

export default {
  /** The production main module's `on_fetch` (claw_worker.py), as a Python Worker would call it. */
  async fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    const { main } = await python();
    return (await main.on_fetch!(request, env)) as Response;
  },
};
