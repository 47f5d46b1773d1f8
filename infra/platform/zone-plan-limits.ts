// What a zone's plan allows in rate limiting rules (phase http_ratelimit), from the availability
// table of Cloudflare's "Rate limiting rules" documentation (developers.cloudflare.com/waf/
// rate-limiting-rules/, checked 2026-11). The API rejects a rule outside its plan's values, so the
// program checks them before anything is sent.

/** Cloudflare zone plans (dashboard > your domain > Overview > Plan). */
export const ZONE_PLANS = ["free", "pro", "business", "enterprise"] as const;
export type ZonePlan = (typeof ZONE_PLANS)[number];

/** Every rate limiting period the API knows (seconds). */
export const RATE_LIMIT_PERIODS = [10, 60, 120, 300, 600, 3600] as const;

interface PlanLimits {
  /** Counting periods the plan allows (seconds). */
  periods: readonly number[];
  /** Mitigation timeouts ("duration") the plan allows (seconds). */
  mitigationTimeouts: readonly number[];
  /** Whether the rule expression may use `http.host` (Free: only Path and Verified Bot). */
  hostField: boolean;
  /** How many rate limiting rules the zone may hold. */
  rules: number;
}

/** The documented limits per plan. */
export const RATE_LIMIT_LIMITS: Record<ZonePlan, PlanLimits> = {
  free: { periods: [10], mitigationTimeouts: [10], hostField: false, rules: 1 },
  pro: { periods: [10, 60], mitigationTimeouts: [10, 60, 120, 300, 600, 3600], hostField: true, rules: 2 },
  business: {
    periods: [10, 60, 120, 300, 600],
    mitigationTimeouts: [10, 60, 120, 300, 600, 3600, 86400],
    hostField: true,
    rules: 5,
  },
  enterprise: {
    periods: [10, 60, 120, 300, 600, 3600],
    mitigationTimeouts: [10, 60, 120, 300, 600, 3600, 86400],
    hostField: true,
    rules: 100,
  },
};

/** The rate limit settings this check reads (a subset of 402claw:rateLimit). */
export interface RateLimitSettings {
  enabled: boolean;
  periodSeconds: number;
  mitigationTimeoutSeconds: number;
  /** host: only the gateway host is counted (needs http.host); zone: every request of the zone. */
  scope: "host" | "zone";
}

/** A rate limit setting the plan does not allow: which field, what is wrong, the fix. */
export interface PlanProblem {
  field: "periodSeconds" | "mitigationTimeoutSeconds" | "scope";
  problem: string;
  fix: string;
}

/** Problems of a rate limit config on a zone of `plan` (empty when the API would accept it). */
export function rateLimitPlanProblems(plan: ZonePlan, rateLimit: RateLimitSettings): PlanProblem[] {
  if (!rateLimit.enabled) return [];
  const limits = RATE_LIMIT_LIMITS[plan];
  const problems: PlanProblem[] = [];
  if (!limits.periods.includes(rateLimit.periodSeconds)) {
    problems.push({
      field: "periodSeconds",
      problem: `${rateLimit.periodSeconds} is not a counting period a ${plan} zone allows (${limits.periods.join(", ")})`,
      fix: `use one of ${limits.periods.join(", ")} seconds, or upgrade the zone's plan`,
    });
  }
  if (!limits.mitigationTimeouts.includes(rateLimit.mitigationTimeoutSeconds)) {
    problems.push({
      field: "mitigationTimeoutSeconds",
      problem: `${rateLimit.mitigationTimeoutSeconds} is not a mitigation timeout a ${plan} zone allows (${limits.mitigationTimeouts.join(", ")})`,
      fix: `use one of ${limits.mitigationTimeouts.join(", ")} seconds`,
    });
  }
  if (rateLimit.scope === "host" && !limits.hostField) {
    problems.push({
      field: "scope",
      problem: `a ${plan} zone's rate limiting rules cannot match on the host (only Path and Verified Bot)`,
      fix: "set scope: zone to count every request of the zone (every host), or disable the rule (enabled: false), or upgrade to Pro",
    });
  }
  return problems;
}
