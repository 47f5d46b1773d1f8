import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "./testing/program-fixture.ts";

// The pull-request workflow's `402claw test` step, run for real in a scratch git repository with
// `npx` replaced by a recorder: it tests exactly the API folders the pull request touches.

interface Step {
  name?: string;
  run?: string;
}
const step = (
  parse(readFileSync(join(REPO_ROOT, ".github/workflows/pull-request.yml"), "utf8")) as {
    jobs: Record<string, { steps: Step[] }>;
  }
).jobs.validate!.steps.find((s) => s.name?.startsWith("402claw test"))!;

let repo: string;
afterEach(() => rmSync(repo, { recursive: true, force: true }));

function git(...args: string[]) {
  execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: repo, stdio: "pipe" });
}
function write(path: string, text = "x\n") {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
}

/** Commits a base, applies `change` on top, runs the step; returns the npx calls it made. */
function runStep(change: () => void): string {
  repo = mkdtempSync(join(tmpdir(), "claw-pr-"));
  git("init", "-q", "-b", "main");
  for (const slug of ["a", "b", "c"]) write(`stacks/dev/apis/${slug}/api.yaml`);
  git("add", ".");
  git("commit", "-qm", "base");
  git("branch", "base");
  change();
  git("add", "-A");
  git("commit", "-qm", "pr");
  const bin = join(repo, ".bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "npx"), `#!/bin/sh\necho "npx $*" >> "${join(repo, "calls.txt")}"\n`);
  chmodSync(join(bin, "npx"), 0o755);
  execFileSync("bash", ["-e", "-c", step.run!], {
    cwd: repo,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STACK: "dev", BASE: "base" },
    stdio: "pipe",
  });
  try {
    return readFileSync(join(repo, "calls.txt"), "utf8").trim();
  } catch {
    return "";
  }
}

describe("pull request: 402claw test step", () => {
  it("tests each touched API folder once, not the untouched ones nor a deleted one", () => {
    const calls = runStep(() => {
      write("stacks/dev/apis/a/handler.ts");
      write("stacks/dev/apis/a/tests.yaml");
      write("stacks/dev/apis/b/api.yaml", "changed\n");
      rmSync(join(repo, "stacks/dev/apis/c"), { recursive: true });
      write("README.md");
    });
    expect(calls).toBe("npx 402claw test --stack dev a b");
  });

  it("tests every API when the platform changes", () => {
    expect(runStep(() => write("runtime/x.ts"))).toBe("npx 402claw test --stack dev");
  });

  it("runs nothing when no API folder is touched", () => {
    expect(runStep(() => write("docs/x.md"))).toBe("");
  });
});
