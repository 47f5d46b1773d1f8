import { summariseDataset } from "../catalog/data-summary.ts";
import { buildDataset } from "../dataset/build-dataset.ts";
import { DATA_LIMITS } from "../dataset/limits.ts";
import { BuildError } from "../errors.ts";
import { readCreatorFile } from "../manifest/contained-path.ts";
import type { LoadedApi } from "../manifest/load.ts";
import { parseUsdPrice } from "../price.ts";
import {
  PYTHON_COMPATIBILITY_FLAGS,
  PYTHON_MAIN_MODULE,
  pythonModules,
  requirementsLabel,
} from "./build-python.ts";
import { bundleWorker, runtimePath } from "./bundle.ts";
import { COMPATIBILITY_DATE, CREATOR_COMPATIBILITY_FLAGS } from "./compat.ts";
import { contentHash } from "./hash.ts";
import { fetchIndexWheels } from "./python-index.ts";
import type { BuiltApi, BuiltDataObject } from "./types.ts";

export const MAX_DATA_BYTES = DATA_LIMITS.maxFileBytes;
/** Cloudflare refuses worker scripts over 10 MB (paid plan, compressed); a bundle this large uncompressed is refused here first. */
export const MAX_BUNDLE_BYTES = 10 * 1024 * 1024;
const MAIN_MODULE = "worker.js";

/** Builds one creator API (bundle + data) exactly as both the local stack and the Pulumi provider deploy it. */
export async function buildApi(api: LoadedApi): Promise<BuiltApi> {
  const { manifest } = api;
  const sourceLabel = sourceLabelOf(api);
  let data: BuiltDataObject | undefined;
  let code = "";
  let modules: BuiltApi["modules"];
  let mainModule = MAIN_MODULE;
  let compatibilityFlags = CREATOR_COMPATIBILITY_FLAGS[manifest.kind];
  const vars: Record<string, string> = { API_SLUG: manifest.slug };
  if (manifest.kind === "data") {
    data = readDataset(api, sourceLabel);
    vars.DATA_KEY = data.key;
    code = await bundleWorker(runtimePath("templates/data/worker.ts"), { label: "data template" });
  } else if (isPython(manifest.source)) {
    // A Python Worker in production; locally the stand-in runs these modules on Pyodide.
    // Online builds may take wheels wheels/ lacks from a package index (off by default).
    const fetched = await fetchIndexWheels(api.dir, requirementsLabel(sourceLabel));
    modules = pythonModules(api, sourceLabel, fetched).modules;
    mainModule = PYTHON_MAIN_MODULE;
    compatibilityFlags = PYTHON_COMPATIBILITY_FLAGS;
    code = modules.map((module) => `${module.name}\n${module.content}`).join("\n");
  } else {
    code = await bundleWorker(runtimePath("templates/function/wrapper.ts"), {
      creatorEntry: api.sourcePath,
      creatorDir: api.dir,
      label: sourceLabel,
    });
    const size = Buffer.byteLength(code);
    if (size > MAX_BUNDLE_BYTES) {
      throw new BuildError(
        sourceLabel,
        `bundles to ${size} bytes, over the ${MAX_BUNDLE_BYTES}-byte limit for a worker`,
        "import less (large data belongs in a data API or fetched at run time)",
      );
    }
  }
  modules ??= [{ name: MAIN_MODULE, content: code }];
  return {
    slug: manifest.slug,
    kind: manifest.kind,
    workerName: manifest.slug,
    mainModule,
    modules,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags,
    vars,
    ...(data ? { data } : {}),
    contentHash: contentHash([
      code,
      data?.body ?? "",
      JSON.stringify(manifest),
      COMPATIBILITY_DATE,
      compatibilityFlags.join(","),
    ]),
    manifest,
    priceAtomic: parseUsdPrice(manifest.price)!,
  };
}

/** True for a Python function's source. */
export function isPython(source: string): boolean {
  return source.toLowerCase().endsWith(".py");
}

/** The API's source file relative to the repository root, as messages name it. */
export function sourceLabelOf(api: LoadedApi): string {
  return api.file.replace(/api\.yaml$/, api.manifest.source);
}

function readDataset(api: LoadedApi, label: string): BuiltDataObject {
  // Read again here, not trusted from the loader: the provider and tools call this directly.
  const read = readCreatorFile(api.dir, api.manifest.source, MAX_DATA_BYTES);
  if ("problem" in read) {
    throw new BuildError(
      label,
      read.problem,
      "put the data file itself in the API folder, within the limits",
    );
  }
  const dataset = buildDataset(label, read.bytes, { maxBytes: MAX_DATA_BYTES });
  const body = JSON.stringify(dataset);
  return {
    key: `datasets/${api.manifest.slug}/${contentHash([body]).slice(0, 16)}.json`,
    body,
    contentType: "application/json",
    rows: dataset.rows.length,
    columns: dataset.columns,
    sample: summariseDataset(dataset).sample,
  };
}
