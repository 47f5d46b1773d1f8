import { execFile } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, scratchRoot } from "../../infra/testing/program-fixture.ts";

// The CLI runs in its own process, as a reviewer runs it (Pulumi serialises providers in-process).
async function plan(root: string, ...args: string[]) {
  const result = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), "plan", ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, CLAW_ROOT: root, NODE_NO_WARNINGS: "1" },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return result;
}

describe("402claw plan", () => {
  it("lists platform resources and every creator API with price and payTo; a new folder is one new API", async () => {
    const root = scratchRoot();
    const before = JSON.parse((await plan(root, "--stack", "dev", "--json")).stdout);
    expect(before.platform.map((r: { type: string }) => r.type)).toEqual(
      expect.arrayContaining([
        "WorkersScript",
        "D1Database",
        "R2Bucket",
        "WorkersKvNamespace",
        "Ruleset",
        "D1Migrations",
        "WorkersCustomDomain",
      ]),
    );
    expect(before.apis).toContainEqual(
      expect.objectContaining({
        slug: "fx-convert",
        price: "$0.002",
        payTo: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
      }),
    );
    const folder = join(root, "stacks/dev/apis/fx-copy");
    cpSync(join(root, "stacks/dev/apis/fx-convert"), folder, { recursive: true });
    writeFileSync(
      join(folder, "api.yaml"),
      readFileSync(join(folder, "api.yaml"), "utf8").replace("slug: fx-convert", "slug: fx-copy"),
    );
    const { stdout, stderr } = await plan(root, "--stack", "dev");
    expect(stdout).toMatch(/Creator APIs \(4\)/);
    expect(stdout).toMatch(
      /fx-copy\s+function\s+\$0\.002\s+per call\s+payTo 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc/,
    );
    expect(stdout).toMatch(/WorkersScript\s+gateway-script\s+scriptName=402claw-dev-gateway/);
    expect(stderr).toMatch(/placeholder accountId/);
  });

  it("prints help and exits 0", async () => {
    const { stderr } = await plan(REPO_ROOT, "--help");
    expect(stderr).toMatch(/Usage: 402claw plan \[--stack dev\] \[--json\]/);
  });
});
