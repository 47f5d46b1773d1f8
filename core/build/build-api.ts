import { readFileSync, statSync } from "node:fs";
import { buildDataset } from "../dataset/build-dataset.ts";
import { BuildError } from "../errors.ts";
import type { LoadedApi } from "../manifest/load.ts";
import { parseUsdPrice } from "../price.ts";
import { bundleWorker, runtimePath } from "./bundle.ts";
import { COMPATIBILITY_DATE, CREATOR_COMPATIBILITY_FLAGS } from "./compat.ts";
import { contentHash } from "./hash.ts";
import type { BuiltApi, BuiltDataObject } from "./types.ts";

export const MAX_DATA_BYTES = 50 * 1024 * 1024;
const MAIN_MODULE = "worker.js";

/** Builds one creator API (bundle + data) exactly as both the local stack and the Pulumi provider deploy it. */
export async function buildApi(api: LoadedApi): Promise<BuiltApi> {
  const { manifest } = api;
  const sourceLabel = api.file.replace(/api\.yaml$/, manifest.source);
  let data: BuiltDataObject | undefined;
  let code: string;
  const vars: Record<string, string> = { API_SLUG: manifest.slug };
  if (manifest.kind === "data") {
    data = readDataset(api, sourceLabel);
    vars.DATA_KEY = data.key;
    code = await bundleWorker(runtimePath("templates/data/worker.ts"), { label: "data template" });
  } else {
    code = await bundleWorker(runtimePath("templates/function/wrapper.ts"), {
      creatorEntry: api.sourcePath,
      label: sourceLabel,
    });
  }
  const modules = [{ name: MAIN_MODULE, content: code }];
  const compatibilityFlags = CREATOR_COMPATIBILITY_FLAGS[manifest.kind];
  return {
    slug: manifest.slug,
    kind: manifest.kind,
    workerName: manifest.slug,
    mainModule: MAIN_MODULE,
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

function readDataset(api: LoadedApi, label: string): BuiltDataObject {
  const size = statSync(api.sourcePath).size;
  if (size > MAX_DATA_BYTES) {
    throw new BuildError(
      label,
      `is ${size} bytes, over the ${MAX_DATA_BYTES}-byte limit`,
      "split the data or trim columns",
    );
  }
  const dataset = buildDataset(label, readFileSync(api.sourcePath), { maxBytes: MAX_DATA_BYTES });
  const body = JSON.stringify(dataset);
  return {
    key: `datasets/${api.manifest.slug}/${contentHash([body]).slice(0, 16)}.json`,
    body,
    contentType: "application/json",
    rows: dataset.rows.length,
    columns: dataset.columns,
    sample: dataset.rows[0]
      ? Object.fromEntries(
          dataset.columns.map((column, index) => [column.name, dataset.rows[0]![index] ?? null]),
        )
      : null,
  };
}
