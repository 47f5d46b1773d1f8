import type { ApiManifest } from "../manifest/schema.ts";

/** One ES module of a built creator worker. */
export interface BuiltModule {
  name: string;
  content: string;
}

/** A data object the creator worker reads at run time (uploaded to R2 before the worker goes live). */
export interface BuiltDataObject {
  key: string;
  body: string;
  contentType: "application/json";
  rows: number;
  columns: Array<{ name: string; type: string }>;
  /** The first row over the first columns, long strings shortened (see `summariseDataset`): the example in discovery metadata. */
  sample: Record<string, unknown> | null;
}

/** Everything needed to deploy one creator API, locally or to Cloudflare, from one build. */
export interface BuiltApi {
  slug: string;
  kind: ApiManifest["kind"];
  /** Script name inside the dispatch namespace. */
  workerName: string;
  mainModule: string;
  modules: BuiltModule[];
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Plain-text bindings of the creator worker. */
  vars: Record<string, string>;
  /** Set for data APIs: the dataset the worker reads through its `DATA` R2 binding. */
  data?: BuiltDataObject;
  /** sha256 over modules, data and metadata: the deploy diff key. */
  contentHash: string;
  manifest: ApiManifest;
  priceAtomic: bigint;
}
