import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { childListeningOn, processCpuMs } from "./process-cpu.ts";

const onLinux = process.platform === "linux";

describe.runIf(onLinux)("process CPU from /proc", () => {
  it("finds the child that listens on a port", async () => {
    const child = spawn(process.execPath, [
      "-e",
      "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })",
    ]);
    try {
      const [chunk] = (await once(child.stdout, "data")) as [Buffer];
      expect(childListeningOn(Number(String(chunk).trim()))).toBe(child.pid);
    } finally {
      child.kill();
    }
  });

  it("reads a process's CPU time, growing as it works", () => {
    const before = processCpuMs(process.pid);
    let x = 0;
    for (let i = 0; i < 3e8; i++) x = (x + i) | 0;
    expect(Number.isInteger(x)).toBe(true);
    expect(processCpuMs(process.pid)).toBeGreaterThan(before);
  });

  it("gives NaN for a process that does not exist", () => {
    expect(processCpuMs(2 ** 30)).toBeNaN();
  });
});
