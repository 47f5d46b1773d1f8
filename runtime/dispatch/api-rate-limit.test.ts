import { describe, expect, it } from "vitest";
import { takeApiCall } from "./api-rate-limit.ts";

describe("takeApiCall", () => {
  it("allows ratePerMinute calls per minute, then says when to retry", () => {
    const start = 1_000_000;
    expect(takeApiCall("a", 2, start)).toEqual({ ok: true });
    expect(takeApiCall("a", 2, start + 1_000)).toEqual({ ok: true });
    expect(takeApiCall("a", 2, start + 20_000)).toEqual({ ok: false, retryAfterSeconds: 40 });
    expect(takeApiCall("b", 2, start + 20_000)).toEqual({ ok: true });
    expect(takeApiCall("a", 2, start + 60_000)).toEqual({ ok: true });
  });
});
