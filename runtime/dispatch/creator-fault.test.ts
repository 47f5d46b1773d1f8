import { describe, expect, it } from "vitest";
import { CPU_LIMIT_MESSAGE, isCpuLimitExceeded } from "./creator-fault.ts";

describe("isCpuLimitExceeded", () => {
  it("recognises the platform's CPU-limit exception", () => {
    expect(isCpuLimitExceeded(new Error(CPU_LIMIT_MESSAGE))).toBe(true);
    expect(isCpuLimitExceeded(new Error("Error: Worker exceeded CPU time limit."))).toBe(true);
  });

  it("leaves every other failure alone", () => {
    expect(isCpuLimitExceeded(new Error("Worker not found: x"))).toBe(false);
    expect(isCpuLimitExceeded("Worker exceeded CPU time limit.")).toBe(false);
    expect(isCpuLimitExceeded(undefined)).toBe(false);
  });
});
