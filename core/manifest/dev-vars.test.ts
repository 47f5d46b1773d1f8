import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDevVars, readLocalSecrets } from "./dev-vars.ts";
import type { LoadedApi } from "./load.ts";

const root = mkdtempSync(join(tmpdir(), "402claw-devvars-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function apiWith(secrets: string[], devVars?: string): LoadedApi {
  const dir = join(root, `api-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  if (devVars !== undefined) writeFileSync(join(dir, ".dev.vars"), devVars);
  return {
    dir,
    file: "stacks/dev/apis/x/api.yaml",
    sourcePath: join(dir, "handler.ts"),
    manifest: { secrets } as LoadedApi["manifest"],
  };
}

describe(".dev.vars", () => {
  it("parses wrangler's dotenv format", () => {
    expect(
      parseDevVars(
        [
          "# a comment",
          "A=plain value # trailing comment",
          "export B='single # kept'",
          'C="line\\none \\"quoted\\""',
          "D=",
          "  E = spaced  ",
          "F=x=y",
          "",
        ].join("\r\n"),
      ),
    ).toEqual({
      A: "plain value",
      B: "single # kept",
      C: 'line\none "quoted"',
      D: "",
      E: "spaced",
      F: "x=y",
    });
  });

  it("returns only the declared secrets", () => {
    expect(readLocalSecrets(apiWith(["KEY"], "KEY=s3cret\nOTHER=never\n"))).toEqual({ KEY: "s3cret" });
  });

  it("names every declared secret without a value, and the fix", () => {
    expect(() => readLocalSecrets(apiWith(["KEY", "TOKEN"], "KEY=1\n"))).toThrow(
      /api\.yaml: secrets: TOKEN has no local value\. Fix: add TOKEN=… to stacks\/dev\/apis\/x\/\.dev\.vars/,
    );
    expect(() => readLocalSecrets(apiWith(["KEY"]))).toThrow(/secrets: KEY has no local value/);
  });

  it("never follows a symlinked .dev.vars", () => {
    const api = apiWith(["KEY"]);
    const outside = join(root, "outside.vars");
    writeFileSync(outside, "KEY=stolen\n");
    symlinkSync(outside, join(api.dir, ".dev.vars"));
    expect(() => readLocalSecrets(api)).toThrow(
      /stacks\/dev\/apis\/x\/\.dev\.vars: \(file\): is a symbolic link/,
    );
  });
});
