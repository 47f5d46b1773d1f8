import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../chain/free-port.ts";
import { REPO_ROOT } from "../local/paths.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";

// The whole product as a user runs it: `402claw init`, then `npm start`, query, Ctrl-C.
let project: TempProject;
let child: ChildProcess;
let gateway: string;
let output = "";
let paid: typeof fetch = fetch; // the demo payer's paying fetch, set once the stack is up

const env = () => ({ ...process.env, CLAW_ROOT: project.root, WRANGLER_SEND_METRICS: "false" });

beforeAll(async () => {
  project = makeTempProject();
  const csv = join(project.root, "tides.csv");
  writeFileSync(
    csv,
    'port,height_m,high,observed\nBrest,6.1,true,2026-01-02\n"Saint-Malo, FR",12.3,true,2026-01-03\nDover,5.9,false,2026-01-02\n',
  );
  execFileSync(
    process.execPath,
    [
      join(REPO_ROOT, "bin/402claw.js"),
      "init",
      "tides",
      "--kind",
      "data",
      "--source",
      csv,
      "--price",
      "$0.0002",
    ],
    {
      env: env(),
      stdio: "pipe",
    },
  );
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  // detached: its own process group, so the test can signal it like a terminal's Ctrl-C does.
  child = spawn("npm", ["start"], {
    cwd: REPO_ROOT,
    env: { ...env(), PORT: String(port) },
    detached: true,
    stdio: "pipe",
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  await waitFor(
    () => output.includes("marketplace running at"),
    90_000,
    () => output,
  );
  paid = demoPayerFetch(JSON.parse(readFileSync(join(project.root, ".local", "dev.json"), "utf8")));
}, 120_000);

afterAll(() => {
  if (child?.pid && isGroupAlive(child.pid)) process.kill(-child.pid, "SIGKILL");
  project?.remove();
});

describe("npm start", () => {
  it("prints a banner with the URL and every API", () => {
    expect(output).toContain(`marketplace running at ${gateway}`);
    for (const slug of ["world-cities", "chemical-elements", "fx-convert", "tides"])
      expect(output).toContain(slug);
  });

  it("serves the catalog", async () => {
    const { apis } = (await (await fetch(`${gateway}/`)).json()) as { apis: Array<{ slug: string }> };
    expect(apis.map((api) => api.slug).sort()).toEqual([
      "chemical-elements",
      "fx-convert",
      "text-stats",
      "tides",
      "world-cities",
    ]);
  });

  it("answers every example API", async () => {
    const cities = await (
      await paid(`${gateway}/world-cities?filter_capital=true&filter_continent=Oceania&fields=name`)
    ).json();
    expect(cities).toEqual({ data: [{ name: "Canberra" }], pagination: { page: 1, limit: 100, total: 1 } });
    const elements = await (
      await paid(`${gateway}/chemical-elements?filter_symbol=Fe&fields=name,atomic_number,metal`)
    ).json();
    expect(elements).toMatchObject({ data: [{ name: "Iron", atomic_number: 26, metal: true }] });
    const fx = await (await paid(`${gateway}/fx-convert?from=EUR&to=GBP&amount=10`)).json();
    expect(fx).toMatchObject({ from: "EUR", to: "GBP", converted: 8.57 });
  });

  it("publishes the API created by `402claw init` with the full grammar", async () => {
    const response = await paid(
      `${gateway}/tides?filter_height_m__gte=6&sort=height_m&order=desc&fields=port,height_m,observed`,
    );
    expect(await response.json()).toEqual({
      data: [
        { port: "Saint-Malo, FR", height_m: 12.3, observed: "2026-01-03" },
        { port: "Brest", height_m: 6.1, observed: "2026-01-02" },
      ],
      pagination: { page: 1, limit: 100, total: 2 },
    });
  });

  it("stops everything it started on Ctrl-C", async () => {
    const pid = child.pid!;
    process.kill(-pid, "SIGINT");
    await waitFor(
      () => !isGroupAlive(pid),
      20_000,
      () => execFileSync("ps", ["-o", "pid,args", "-g", String(pid)]).toString(),
    );
    await expect(fetch(`${gateway}/health`)).rejects.toThrow();
  });

  it("stops everything when only the npm process is sent SIGTERM, as a service manager would", async () => {
    const ports = {
      PORT: String(await freePort()),
      CHAIN_PORT: String(await freePort()),
      FACILITATOR_PORT: String(await freePort()),
    };
    let log = "";
    const again = spawn("npm", ["start"], {
      cwd: REPO_ROOT,
      env: { ...env(), ...ports },
      detached: true,
      stdio: "pipe",
    });
    again.stdout?.on("data", (chunk) => (log += chunk));
    again.stderr?.on("data", (chunk) => (log += chunk));
    try {
      await waitFor(
        () => log.includes("marketplace running at"),
        90_000,
        () => log,
      );
      process.kill(again.pid!, "SIGTERM"); // the npm process alone, not its group
      await waitFor(
        () => !isGroupAlive(again.pid!),
        20_000,
        () => execFileSync("ps", ["-o", "pid,args", "-g", String(again.pid)]).toString(),
      );
    } finally {
      if (isGroupAlive(again.pid!)) process.kill(-again.pid!, "SIGKILL");
    }
  }, 120_000);
});

function isGroupAlive(pgid: number): boolean {
  try {
    return (
      execFileSync("ps", ["-o", "pid=", "-g", String(pgid)])
        .toString()
        .trim() !== ""
    );
  } catch {
    return false; // ps exits 1 when no process matches
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; last output:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
