import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../infra/testing/program-fixture.ts";

// The CLI in its own process, as an operator (or CI) runs it; the checks themselves are tested in
// infra/doctor/checks.test.ts.
const doctor = (...args: string[]) =>
  promisify(execFile)(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), "doctor", ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, CLAW_ROOT: REPO_ROOT, NODE_NO_WARNINGS: "1", CLOUDFLARE_API_TOKEN: "" },
    },
  ).then(
    (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

describe("402claw doctor", () => {
  it("offline on the shipped prod stack: exit 1, the placeholder named with its fix", async () => {
    const { code, stdout } = await doctor("--stack", "prod", "--offline");
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /FAIL {2}stack config: config 402claw:accountId: is still the template's placeholder/,
    );
    expect(stdout).toMatch(/ {8}Fix: copy the account id/);
    expect(stdout).toMatch(/skip {2}online checks: --offline/);
  });

  it("is listed in the CLI's help and has its own", async () => {
    const usage = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), "--help"],
      {
        cwd: REPO_ROOT,
      },
    );
    expect(usage.stdout + usage.stderr).toMatch(/doctor +check a stack and its Cloudflare account/);
    const { code, stderr } = await doctor("--help");
    expect(code).toBe(0);
    expect(stderr).toMatch(/Usage: 402claw doctor \[--stack dev\] \[--offline\]/);
  });
});
