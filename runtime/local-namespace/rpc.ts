/** Options the dispatch worker gives a namespace lookup: the same shape as Workers for Platforms' `get()`. */
export interface DispatchOptions {
  outbound?: Record<string, string>;
  limits?: { cpuMs?: number; subRequests?: number };
}

/** The RPC face of the local namespace stand-in. */
export interface LocalNamespaceRpc {
  dispatch(scriptName: string, request: Request, options: DispatchOptions): Promise<Response>;
}

/** What the local stack uploads for one creator worker (mirrors the Cloudflare script upload metadata). */
export interface LocalScript {
  mainModule: string;
  modules: Array<{ name: string; content: string }>;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  /** Data APIs read their dataset through an R2 binding named DATA. */
  dataBinding: boolean;
  contentHash: string;
}
