import { describe, expect, it } from "vitest";
import { checkEgressRate, type RateLimiter } from "./egress-rate-limit.ts";

/** A fake limiter that allows `budget` calls per key and records the keys it saw. */
function fakeLimiter(budget: number) {
  const counts = new Map<string, number>();
  const limiter: RateLimiter = {
    async limit({ key }) {
      const used = (counts.get(key) ?? 0) + 1;
      counts.set(key, used);
      return { success: used <= budget };
    },
  };
  return { limiter, counts };
}

describe("checkEgressRate", () => {
  it("allows everything when no limiter is bound (local stack)", async () => {
    expect(await checkEgressRate(undefined, "0xabc")).toEqual({ allowed: true });
  });

  it("refuses with 429 once a creator's budget is spent", async () => {
    const { limiter } = fakeLimiter(2);
    expect((await checkEgressRate(limiter, "0xabc")).allowed).toBe(true);
    expect((await checkEgressRate(limiter, "0xabc")).allowed).toBe(true);
    const third = await checkEgressRate(limiter, "0xabc");
    expect(third).toMatchObject({ allowed: false, status: 429, code: "egress_rate_limited" });
    expect(third.allowed ? "" : third.reason).toMatch(/too fast/);
  });

  it("keeps creators in separate buckets and folds address case", async () => {
    const { limiter, counts } = fakeLimiter(1);
    expect((await checkEgressRate(limiter, "0xAbC")).allowed).toBe(true);
    expect((await checkEgressRate(limiter, "0xabc")).allowed).toBe(false);
    expect((await checkEgressRate(limiter, "0xdef")).allowed).toBe(true);
    expect([...counts.keys()]).toEqual(["egress:0xabc", "egress:0xdef"]);
  });

  it("lets the request through, marked degraded, when the limiter throws", async () => {
    const broken: RateLimiter = {
      limit: () => Promise.reject(new Error("binding unavailable")),
    };
    const verdict = await checkEgressRate(broken, "0xabc");
    expect(verdict).toEqual({
      allowed: true,
      degraded: "egress rate limiter failed: Error: binding unavailable",
    });
  });
});
