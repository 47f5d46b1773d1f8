/**
 * The creator's edit loop: how long from saving a function's file to the gateway serving the new
 * code, in watch mode (`402claw dev`, as `npm start` runs it), without restarting the chain or
 * the gateway. Runs the real CLI in a temp project, edits each API's function ROUNDS times (the
 * TypeScript fx-convert, then the Python text-stats, in the same session), and after each save
 * polls the API with paid calls until the answer carries the new marker.
 *
 *   npm run bench:edit-loop      (ROUNDS=8 by default; ~1.5 min; BENCH_API=text-stats for one API)
 *
 * Reports save → new code served (a paid call answered by it; the poll adds up to one paid call,
 * ~30–60 ms, of resolution) and save → the CLI's "republished" line (the whole republish: catalog,
 * dev.json; polled every 50 ms), p50 and p95 per API side by side. Target: new code served
 * p50 ≤ 1 s. A Python republish swaps the new version into the API's running interpreter
 * (runtime/templates/python/local-host.ts); it does not start CPython again. The watcher waits 300 ms
 * after the last change (an editor's save is several events) before it rebuilds.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { freePort } from "../chain/free-port.ts";
import { demoPayerFetch } from "../e2e/support/pay.ts";
import { makeTempProject } from "../e2e/support/temp-project.ts";
import { REPO_ROOT } from "../local/paths.ts";
import { percentile } from "./stats.ts";

const ROUNDS = Number(process.env.ROUNDS ?? 8);
const TARGET_MS = 1_000;
/** The APIs edited, in turn: fx-convert (TypeScript) and text-stats (Python). */
const APIS = (process.env.BENCH_API ?? "fx-convert,text-stats").split(",");
const EDITS: Record<
  string,
  { file: string; query: string; edit: (source: string, marker: string) => string }
> = {
  "fx-convert": {
    file: "handler.ts",
    query: "?from=USD&to=EUR&amount=1",
    edit: (source, marker) => source.replace("return { from,", `return { marker: "${marker}", from,`),
  },
  "text-stats": {
    file: "handler.py",
    query: "?text=hi",
    edit: (source, marker) =>
      source.replace('"words": len(words),', `"marker": "${marker}", "words": len(words),`),
  },
};
const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const project = makeTempProject();
  const port = await freePort();
  const gateway = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, "bin/402claw.js"), "dev"], {
    env: {
      ...process.env,
      CLAW_ROOT: project.root,
      PORT: String(port),
      CHAIN_PORT: String(await freePort()),
      FACILITATOR_PORT: String(await freePort()),
    },
    detached: true,
    stdio: "pipe",
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  try {
    await until(
      () => output.includes("marketplace running at"),
      120_000,
      () => output,
    );
    const paying = demoPayerFetch(JSON.parse(readFileSync(join(project.root, ".local/dev.json"), "utf8")));
    const results: Array<{ api: string; republished: number[]; served: number[] }> = [];
    for (const api of APIS)
      results.push({ api, ...(await editRounds(api, project.apisDir, gateway, paying, () => output)) });
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const row = (values: number[]) =>
      `p50 ${percentile(sorted(values), 50).toFixed(0)} ms, p95 ${percentile(sorted(values), 95).toFixed(0)} ms`;
    log(`\n${ROUNDS} rounds per API          save → new code served      save → republished`);
    for (const { api, served, republished } of results) {
      const met = percentile(sorted(served), 50) <= TARGET_MS ? "met" : "MISS";
      log(
        `${api.padEnd(28)} ${row(served).padEnd(27)} ${row(republished)}   target p50 ≤ ${TARGET_MS} ms: ${met}`,
      );
    }
  } finally {
    if (child.pid) process.kill(-child.pid, "SIGINT");
    await new Promise((resolve) => child.once("exit", resolve));
    project.remove();
  }
}

/** Edits one API's function ROUNDS times; the time from each save to the new code served. */
async function editRounds(
  api: string,
  apisDir: string,
  gateway: string,
  paying: typeof fetch,
  output: () => string,
): Promise<{ republished: number[]; served: number[] }> {
  const target = EDITS[api];
  if (!target) throw new Error(`BENCH_API must name ${Object.keys(EDITS).join(", ")}`);
  const handler = join(apisDir, api, target.file);
  const original = readFileSync(handler, "utf8");
  const url = `${gateway}/${api}${target.query}`;
  const republished: number[] = [];
  const served: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const marker = `edit-${round}-${Date.now()}`;
    const lines = output().split("republished").length;
    // A creator's edit: the answer gains a field.
    const edited = target.edit(original, marker);
    const saved = performance.now();
    writeFileSync(handler, edited);
    for (;;) {
      const body = await (await paying(url)).text();
      if (body.includes(marker)) break;
      if (performance.now() - saved > 30_000)
        throw new Error(`${api} round ${round}: new code not served in 30 s`);
    }
    const servedMs = performance.now() - saved;
    // The CLI prints its line once the whole republish (catalog, dev.json) is done.
    await until(() => output().split("republished").length > lines, 30_000, output);
    const republishedAt = performance.now();
    republished.push(republishedAt - saved);
    served.push(servedMs);
    log(
      `${api} round ${round}: republished ${(republishedAt - saved).toFixed(0)} ms, new code served ${servedMs.toFixed(0)} ms`,
    );
    // Let the watcher settle before the next save (one save = one republish).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { republished, served };
}

async function until(check: () => boolean, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; output:\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

await main();
