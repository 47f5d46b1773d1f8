import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPortInUse } from "../chain/free-port.ts";
import { readProcStat } from "../local/proc-stat.ts";
import {
  describeGroup,
  freeStackPorts,
  isGroupAlive,
  killGroup,
  type NpmStart,
  npmStart,
  waitUntil,
} from "./support/npm-start.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";

// `npm start` killed outright (`kill -9`, an out-of-memory kill) stops nothing: anvil and the
// gateway's workerd keep running on its ports. The next start stops them and starts as usual.

let project: TempProject;
const starts: NpmStart[] = [];

beforeAll(() => {
  project = makeTempProject();
});

afterAll(() => {
  for (const started of starts) killGroup(started.child.pid!);
  project?.remove();
});

interface ProcessFile {
  owner: { pid: number };
  processes: Array<{ role: string; pid: number }>;
}

/** Running: listed, and not a zombie (exited, not reaped yet). */
function alive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

describe.runIf(process.platform === "linux")("a start after a killed start", () => {
  it("stops what the killed one left running on its ports, then serves and takes payments", async () => {
    const ports = await freeStackPorts();
    const env = { ...process.env, CLAW_ROOT: project.root, WRANGLER_SEND_METRICS: "false", ...ports };
    const first = await npmStart(env);
    starts.push(first);
    const recorded = JSON.parse(
      readFileSync(join(project.root, ".local/processes.json"), "utf8"),
    ) as ProcessFile;
    expect(recorded.processes.map((found) => found.role)).toEqual(["anvil", "gateway workerd"]);

    process.kill(recorded.owner.pid, "SIGKILL"); // the CLI's process alone, as the kernel's OOM killer would
    await waitUntil(
      () => !alive(recorded.owner.pid),
      10_000,
      () => describeGroup(first.child.pid!),
    );
    for (const { pid } of recorded.processes) expect(alive(pid)).toBe(true);
    expect(await isPortInUse(Number(ports.CHAIN_PORT))).toBe(true);
    expect(await isPortInUse(Number(ports.PORT))).toBe(true);

    const second = await npmStart(env);
    starts.push(second);
    const names = recorded.processes.map(({ role, pid }) => `${role} (pid ${pid})`).join(", ");
    expect(second.output()).toContain(`stopped what an earlier start that was killed left running: ${names}`);
    for (const { pid } of recorded.processes) expect(alive(pid)).toBe(false);
    expect(isGroupAlive(first.child.pid!)).toBe(false);

    // The chain kept its state (anvil was stopped with SIGTERM, so it wrote it): payments work.
    const devFile = JSON.parse(readFileSync(join(project.root, ".local/dev.json"), "utf8"));
    const paid = await demoPayerFetch(devFile)(`http://127.0.0.1:${ports.PORT}/world-cities?limit=1`);
    expect(paid.status).toBe(200);
  }, 240_000);
});
