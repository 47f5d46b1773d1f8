import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../local/paths.ts";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/stack.ts";
import type { TempProject } from "./temp-project.ts";

/**
 * The whole local marketplace for one test file: free ports, in-memory state, in the temp project,
 * and no cron unless asked (a test runs the gateway's scheduled handler when it means to).
 */
export function startTestStack(project: TempProject, options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    root: project.root,
    port: 0,
    chainPort: 0,
    facilitatorPort: 0,
    persist: false,
    localDir: `${project.root}/.local`,
    cronEveryMs: 0,
    ...options,
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `402claw` against the temp project. Asynchronous on purpose: the facilitator runs in the
 * test process and must keep answering while the command pays.
 */
export function runCli(project: TempProject, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, "bin/402claw.js"), ...args],
      { env: { ...process.env, CLAW_ROOT: project.root } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
