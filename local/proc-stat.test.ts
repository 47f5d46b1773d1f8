import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { commandLine, listProcesses, readProcStat } from "./proc-stat.ts";

describe.runIf(process.platform === "linux")("/proc stat", () => {
  it("reads a process's parent, name, state and start time, and finds it listed", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "--", "marker-arg"]);
    try {
      await once(child, "spawn");
      const stat = readProcStat(child.pid!)!;
      expect(stat).toMatchObject({ pid: child.pid, parent: process.pid, name: "node" });
      expect(stat.state).not.toBe("Z");
      expect(readProcStat(child.pid!)!.startTime).toBe(stat.startTime);
      expect(commandLine(child.pid!)).toContain("marker-arg");
      expect(listProcesses().map((found) => found.pid)).toContain(child.pid);
    } finally {
      child.kill();
    }
  });

  it("answers undefined and an empty command line for a process that does not exist", () => {
    expect(readProcStat(2 ** 30)).toBeUndefined();
    expect(commandLine(2 ** 30)).toBe("");
  });
});
