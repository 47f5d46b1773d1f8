/**
 * Binding names shared by the Pulumi program (infra/), the local stack (local/) and the workers
 * (runtime/). A binding is spelled here once; renaming one renames it everywhere.
 */
export const BINDINGS = {
  /** D1: the catalog, aggregated usage and payouts. */
  db: "DB",
  /** KV: cached API records. */
  cache: "CACHE",
  /** R2: data APIs' datasets. */
  data: "DATA",
  /** Durable Object namespace of the payer ledger. */
  payerLedger: "PAYER_LEDGER",
  /** Production: the Workers for Platforms dispatch namespace. */
  dispatcher: "DISPATCHER",
  /** Local only: the stand-in namespace. */
  localNamespace: "LOCAL_NAMESPACE",
  /** The outbound worker's per-creator egress rate limiter. */
  egressLimiter: "EGRESS_LIMITER",
} as const;

/** The Durable Object class the dispatch script exports for the payer ledger. */
export const PAYER_LEDGER_CLASS = "PayerLedger";
