/**
 * Runtime compatibility settings shared by every worker the platform deploys. The date stays at
 * or before 2026-08-06 because the pinned local workerd (Miniflare 4) refuses later dates, and
 * local and production must run the same semantics.
 */
export const COMPATIBILITY_DATE = "2026-07-01";
export const PLATFORM_COMPATIBILITY_FLAGS = ["nodejs_compat"];
export const CREATOR_COMPATIBILITY_FLAGS = { data: [] as string[], function: ["nodejs_compat"] };
