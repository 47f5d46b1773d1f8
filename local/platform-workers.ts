import { bundleWorker, runtimePath } from "../core/build/bundle.ts";

/** The three platform workers, bundled from runtime/ exactly as infra/ bundles them for Cloudflare. */
export interface PlatformBundles {
  dispatch: string;
  outbound: string;
  namespace: string;
}

/** Bundles the dispatch, outbound and local-namespace workers. */
export async function bundlePlatformWorkers(): Promise<PlatformBundles> {
  const [dispatch, outbound, namespace] = await Promise.all([
    bundleWorker(runtimePath("dispatch/worker.ts"), { label: "dispatch worker" }),
    bundleWorker(runtimePath("outbound/worker.ts"), { label: "outbound worker" }),
    bundleWorker(runtimePath("local-namespace/worker.ts"), { label: "local namespace" }),
  ]);
  return { dispatch, outbound, namespace };
}
