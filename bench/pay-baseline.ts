import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "../local/paths.ts";

export interface BaselineConfig {
  facilitatorUrl: string;
  network: `${string}:${string}`;
  payTo: string;
  amount: string;
  asset: string;
  extra: Record<string, unknown>;
  /** Path without query; the middleware matches on it, the query is ignored as by the gateway's price. */
  path: string;
  body: string;
  contentType: string;
}

/** The child reads its whole configuration from this variable (JSON). */
export const BASELINE_CONFIG_ENV = "PAY_BASELINE_CONFIG";

export interface RunningBaseline {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/** Starts pay-baseline-server.ts as a child Node process and resolves once it listens. */
export async function startBaseline(config: BaselineConfig): Promise<RunningBaseline> {
  const child = spawn(process.execPath, ["--import", "tsx", `${REPO_ROOT}/bench/pay-baseline-server.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, [BASELINE_CONFIG_ENV]: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = () => stopChild(child);
  try {
    const port = await firstLine(child);
    return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function firstLine(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the baseline did not start in time")), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the baseline exited (${code}) before listening`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // SIGKILL only if it ignores SIGTERM: a stuck baseline must not outlive the benchmark.
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
