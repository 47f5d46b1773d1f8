// Per-creator egress rate limit. In production this is a Workers Rate Limiting binding
// (EGRESS_LIMITER); locally it may be absent, and then nothing is limited.

/** The slice of the Workers Rate Limiting binding we use. */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** A rate verdict; `degraded` says the limiter failed and the request was let through. */
export type EgressRateVerdict =
  | { allowed: true; degraded?: string }
  | { allowed: false; status: 429; code: "egress_rate_limited"; reason: string };

/** Count one outgoing request against a creator's egress budget. */
export async function checkEgressRate(
  limiter: RateLimiter | undefined,
  creatorKey: string,
): Promise<EgressRateVerdict> {
  if (!limiter) return { allowed: true };
  // Wallet addresses arrive checksummed or not; one creator must be one bucket.
  const key = `egress:${creatorKey.trim().toLowerCase() || "unknown"}`;
  let outcome: { success: boolean };
  try {
    outcome = await limiter.limit({ key });
  } catch (error) {
    // Fail open: the limit protects third parties from floods, while the egress policy (the
    // security control) has already run. Refusing every call when the limiter hiccups would
    // turn a platform fault into an outage for every creator.
    return { allowed: true, degraded: `egress rate limiter failed: ${String(error)}` };
  }
  if (outcome.success) return { allowed: true };
  return {
    allowed: false,
    status: 429,
    code: "egress_rate_limited",
    reason: "This API is making outgoing requests too fast; slow down and retry in a few seconds.",
  };
}
