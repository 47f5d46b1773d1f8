/**
 * Platform defaults for creator code, read by the gateway (runtime/) and the local stack (local/).
 * CPU per call for an API whose manifest sets no `limits.cpuMs`; the gateway's CREATOR_CPU_MS
 * setting overrides it.
 */
export const DEFAULT_CREATOR_CPU_MS = 1_000;

/**
 * The largest creator response body the gateway accepts. The payment gate buffers paid
 * responses anyway; this keeps one creator from filling the gateway's memory.
 */
export const MAX_CREATOR_BODY_BYTES = 16 * 1024 * 1024;
