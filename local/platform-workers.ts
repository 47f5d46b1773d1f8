import { bundleWorker, runtimePath } from "../core/build/bundle.ts";

/** The three platform workers, bundled from runtime/ exactly as infra/ bundles them for Cloudflare. */
export interface PlatformBundles {
  dispatch: string;
  outbound: string;
  namespace: string;
  /** The JS host that runs Python functions on Pyodide in a creator process (local only). */
  pythonHost: string;
}

/** Bundles the dispatch, outbound and local-namespace workers. */
export async function bundlePlatformWorkers(): Promise<PlatformBundles> {
  const [dispatch, outbound, namespace, pythonHost] = await Promise.all([
    bundleWorker(runtimePath("dispatch/worker.ts"), { label: "dispatch worker" }),
    bundleWorker(runtimePath("outbound/worker.ts"), { label: "outbound worker" }),
    bundleWorker(runtimePath("local-namespace/worker.ts"), { label: "local namespace" }),
    bundlePythonHost(),
  ]);
  return { dispatch, outbound, namespace, pythonHost };
}

/** The Pyodide host; the modules it imports are given by the stand-in, never bundled. */
export function bundlePythonHost(): Promise<string> {
  return bundleWorker(runtimePath("templates/python/local-host.ts"), {
    label: "python host",
    external: [
      "./pyodide.mjs",
      "./pyodide.asm.mjs",
      "./pyodide.asm.wasm",
      "./python_stdlib.zip",
      "./pyodide-lock.json",
    ],
  });
}
