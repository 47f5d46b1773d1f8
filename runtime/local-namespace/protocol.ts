/**
 * How the dispatch worker, the local creator supervisor (local/creator-supervisor.ts) and the
 * namespace stand-in talk over HTTP. Locally creator code runs in separate, supervised workerd
 * processes (a runaway creator blocks its process's thread), so the stand-in is reached over
 * HTTP instead of RPC. Production has none of this: it uses the dispatch namespace binding.
 */

/** Options the dispatch worker gives a namespace lookup: the same shape as Workers for Platforms' `get()`. */
export interface DispatchOptions {
  outbound?: Record<string, string>;
  limits?: { cpuMs?: number; subRequests?: number };
}

/** Names the creator worker a dispatched request is for (set by the gateway, never by a caller). */
export const SCRIPT_HEADER = "x-402claw-namespace-script";
/** The dispatch options, as JSON. */
export const OPTIONS_HEADER = "x-402claw-namespace-options";
/**
 * Set on an answer that is not the creator's: the creator was stopped or failed. Its value is a
 * `CreatorFault`; the body is the platform's JSON error.
 */
export const FAULT_HEADER = "x-402claw-creator-fault";

/** Why a creator produced no answer of its own. */
export type CreatorFault = "cpu_exceeded" | "crashed" | "not_found";

/** Path the supervisor pings to learn that a creator process's thread is free. */
export const HEARTBEAT_PATH = "/__402claw/heartbeat";

/** What the local stack uploads for one creator worker (mirrors the Cloudflare script upload metadata). */
export interface LocalScript {
  mainModule: string;
  modules: Array<{ name: string; content: string }>;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  /**
   * The API's secrets (from its `.dev.vars`), bound beside `vars` as production binds
   * `secret_text`. The stand-in keeps them in memory only, never in its stored copy.
   */
  secrets?: Record<string, string>;
  /**
   * Set for a Python function: the creator's module name. Its modules are the Python Worker's
   * (production); locally the stand-in runs them on Pyodide (runtime/templates/python/local-host.ts).
   */
  python?: { module: string };
  /** Data APIs read their dataset through an R2 binding named DATA. */
  dataBinding: boolean;
  contentHash: string;
}

/** Path (after /scripts/<name>) that warms a Python worker: starts CPython and imports the module. */
export const WARM_SUFFIX = "/warm";
