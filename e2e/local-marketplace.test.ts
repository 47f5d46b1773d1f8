import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../chain/free-port.ts";
import { REPO_ROOT } from "../local/paths.ts";
import { freeStackPorts, groupEnded, killGroup, type NpmStart, npmStart } from "./support/npm-start.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";

// The whole product as a user runs it: `402claw init`, then `npm start`, query, Ctrl-C.
let project: TempProject;
let started: NpmStart;
let gateway: string;
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
  started = await npmStart({ ...env(), PORT: String(port) });
  paid = demoPayerFetch(JSON.parse(readFileSync(join(project.root, ".local", "dev.json"), "utf8")));
}, 120_000);

afterAll(() => {
  if (started?.child.pid) killGroup(started.child.pid);
  project?.remove();
});

describe("npm start", () => {
  it("prints a banner with the URL and every API", () => {
    expect(started.output()).toContain(`marketplace running at ${gateway}`);
    for (const slug of ["world-cities", "chemical-elements", "fx-convert", "tides"])
      expect(started.output()).toContain(slug);
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
    const pid = started.child.pid!;
    process.kill(-pid, "SIGINT");
    await groupEnded(pid);
    await expect(fetch(`${gateway}/health`)).rejects.toThrow();
  });

  /** The CLI's own process (npm's child), as recorded by the stack it started. */
  const cliProcess = () =>
    (
      JSON.parse(readFileSync(join(project.root, ".local/processes.json"), "utf8")) as {
        owner: { pid: number };
      }
    ).owner.pid;

  it.each([
    {
      signal: "SIGTERM",
      to: "npm's process alone, as a service manager would",
      target: (npm: number) => npm,
    },
    // A closed terminal sends SIGHUP to every process of its group; to the CLI's alone, only its handler stops anvil.
    { signal: "SIGHUP", to: "the CLI's process alone", target: () => cliProcess() },
  ] as const)(
    "stops everything on $signal sent to $to",
    async ({ signal, target }) => {
      const again = await npmStart({ ...env(), ...(await freeStackPorts()) });
      const pid = again.child.pid!;
      try {
        process.kill(target(pid), signal);
        await groupEnded(pid);
      } finally {
        killGroup(pid);
      }
    },
    120_000,
  );
});
