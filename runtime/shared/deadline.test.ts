import { describe, expect, it } from "vitest";
import { beforeDeadline, TIMED_OUT } from "./deadline.ts";

describe("beforeDeadline", () => {
  it("gives the work's value when it settles first", async () => {
    expect(await beforeDeadline(Promise.resolve(42), 10_000)).toBe(42);
  });

  it("gives TIMED_OUT when the work never settles", async () => {
    expect(await beforeDeadline(new Promise(() => {}), 1)).toBe(TIMED_OUT);
  });

  it("passes the work's rejection through", async () => {
    await expect(beforeDeadline(Promise.reject(new Error("boom")), 10_000)).rejects.toThrow("boom");
  });
});
