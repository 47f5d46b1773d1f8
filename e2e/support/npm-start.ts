import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { freePort } from "../../chain/free-port.ts";
import { REPO_ROOT } from "../../local/paths.ts";

/** `npm start` as a user runs it, with its output collected. */
export interface NpmStart {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/**
 * Runs `npm start` in its own process group (so a test can signal it as a terminal's Ctrl-C does)
 * and resolves once the banner is printed.
 */
export async function npmStart(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<NpmStart> {
  let output = "";
  const child = spawn("npm", ["start"], { cwd: REPO_ROOT, env, detached: true, stdio: "pipe" });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const started = { child, output: () => output };
  try {
    await waitUntil(
      () => output.includes("marketplace running at"),
      timeoutMs,
      () => output,
    );
  } catch (error) {
    killGroup(child.pid!);
    throw error;
  }
  return started;
}

export function isGroupAlive(pgid: number): boolean {
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

export function killGroup(pgid: number): void {
  if (isGroupAlive(pgid)) process.kill(-pgid, "SIGKILL");
}

/** The processes of a group, for a failure's message. */
export function describeGroup(pgid: number): string {
  try {
    return execFileSync("ps", ["-o", "pid,args", "-g", String(pgid)]).toString();
  } catch {
    return "(no process left in the group)";
  }
}

/** Polls a synchronous check every 100 ms. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; last output:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Three free ports for a second stack beside the first (PORT, CHAIN_PORT, FACILITATOR_PORT). */
export async function freeStackPorts(): Promise<Record<"PORT" | "CHAIN_PORT" | "FACILITATOR_PORT", string>> {
  return {
    PORT: String(await freePort()),
    CHAIN_PORT: String(await freePort()),
    FACILITATOR_PORT: String(await freePort()),
  };
}

/** Resolves once no process of the group is left (rejects, listing them, after `timeoutMs`). */
export function groupEnded(pgid: number, timeoutMs = 20_000): Promise<void> {
  return waitUntil(
    () => !isGroupAlive(pgid),
    timeoutMs,
    () => describeGroup(pgid),
  );
}
