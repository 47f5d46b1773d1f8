import { execFileSync } from "node:child_process";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeTempProject, type TempProject } from "../../e2e/support/temp-project.ts";
import { REPO_ROOT } from "../../local/paths.ts";

let project: TempProject;
afterEach(() => project?.remove());

function validate(): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [join(REPO_ROOT, "bin/402claw.js"), "validate"], {
      env: { ...process.env, CLAW_ROOT: project.root },
      stdio: "pipe",
    }).toString();
    return { code: 0, stdout, stderr: "" };
  } catch (error) {
    const failed = error as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: failed.status, stdout: failed.stdout.toString(), stderr: failed.stderr.toString() };
  }
}

describe("402claw validate", () => {
  it("exits 0 with a one-line summary for the example stack", () => {
    project = makeTempProject();
    const result = validate();
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(
      "stack 'dev': 4 APIs valid and built (chemical-elements, fx-convert, text-stats, world-cities)",
    );
  });

  it("exits 1 naming the file and row of a ragged CSV", () => {
    project = makeTempProject();
    writeFileSync(join(project.apisDir, "world-cities", "cities.csv"), "name,country\nTokyo,Japan\nOsaka\n");
    const result = validate();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("stacks/dev/apis/world-cities/cities.csv");
    expect(result.stderr).toMatch(/row 3/);
  });

  it("exits 1 naming the file of a function that does not compile", () => {
    project = makeTempProject();
    writeFileSync(join(project.apisDir, "fx-convert", "handler.ts"), "export default function ( {");
    const result = validate();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("fx-convert/handler.ts");
  });

  it("exits 1 naming every failing API: a 3 MB cell, a symlinked data file and an invalid manifest", () => {
    project = makeTempProject();
    writeFileSync(
      join(project.apisDir, "world-cities", "cities.csv"),
      `name,note\nTokyo,${"x".repeat(3 << 20)}\n`,
    );
    const secret = join(project.root, "secret.json");
    writeFileSync(secret, '[{"token": "hunter2"}]');
    symlinkSync(secret, join(project.apisDir, "chemical-elements", "elements-link.json"));
    const manifest = join(project.apisDir, "chemical-elements", "api.yaml");
    writeFileSync(
      manifest,
      readFileSync(manifest, "utf8").replace(/source: .*/, "source: elements-link.json"),
    );
    writeFileSync(join(project.apisDir, "fx-convert", "api.yaml"), "slug: fx-convert\n");
    const result = validate();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/world-cities\/cities\.csv: row 2, column 2 \("note"\).*cell limit/);
    expect(result.stderr).toMatch(
      /chemical-elements\/api\.yaml: source: "elements-link\.json" is a symbolic link/,
    );
    expect(result.stderr).toMatch(/fx-convert\/api\.yaml: title: is required/);
    expect(result.stderr).toMatch(/failing: chemical-elements, fx-convert, world-cities\)/);
    expect(result.stderr).not.toContain("hunter2");
  });
});

describe("402claw validate: function forms and secrets", () => {
  it("exits 1 for a function that exports none of the supported forms, naming the file and the fix", () => {
    project = makeTempProject();
    writeFileSync(join(project.apisDir, "fx-convert", "handler.ts"), "export const rate = 1;\n");
    const result = validate();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /stacks\/dev\/apis\/fx-convert\/handler\.ts: fails to load in workerd: the function module exports none of the supported forms\. Fix: export default a handler/,
    );
  });

  it("accepts a Workers module and a Hono app", () => {
    project = makeTempProject({ fixtures: ["form-module", "form-hono"], nodeModules: true });
    for (const slug of ["form-module", "form-hono"])
      writeFileSync(join(project.apisDir, slug, ".dev.vars"), "UPSTREAM_KEY=local\n");
    const result = validate();
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("6 APIs valid and built");
  });

  it("exits 1 naming a declared secret that has no value anywhere, and both fixes", () => {
    project = makeTempProject({ fixtures: ["form-handler"] });
    const result = validate();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "stacks/dev/apis/form-handler/api.yaml: secrets: UPSTREAM_KEY has no value. Fix: deployed: pulumi config set --secret --path '402claw:apiSecrets.form-handler.UPSTREAM_KEY' <value>; local: add UPSTREAM_KEY=… to stacks/dev/apis/form-handler/.dev.vars",
    );
  });

  it("accepts a secret set (encrypted) in Pulumi.<stack>.yaml", () => {
    project = makeTempProject({ fixtures: ["form-handler"] });
    writeFileSync(
      join(project.root, "Pulumi.dev.yaml"),
      "config:\n  402claw:apiSecrets:\n    form-handler:\n      UPSTREAM_KEY:\n        secure: AAABAHk1c2VjcmV0\n",
    );
    const result = validate();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("5 APIs valid and built");
  });
});

describe("402claw validate: Python", () => {
  it("imports each Python function on Pyodide: no entry, or a syntax error, is refused naming file, line and fix", () => {
    project = makeTempProject();
    writeFileSync(join(project.apisDir, "text-stats", "handler.py"), "RATE = 1\n");
    let result = validate();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "stacks/dev/apis/text-stats/handler.py: fails to load: the Python module defines none of the supported entries. Fix: define `def handler(input):`",
    );
    writeFileSync(join(project.apisDir, "text-stats", "handler.py"), "def handler(input)\n    return 1\n");
    result = validate();
    expect(result.stderr).toContain(
      "stacks/dev/apis/text-stats/handler.py: fails to load: SyntaxError: expected ':' (handler.py line 1). Fix: fix the module so it imports",
    );
    // The standard Python Worker entry is accepted as well as the handler.
    writeFileSync(
      join(project.apisDir, "text-stats", "handler.py"),
      "from workers import Response, WorkerEntrypoint\n\nclass Default(WorkerEntrypoint):\n    async def fetch(self, request):\n        return Response('ok')\n",
    );
    result = validate();
    expect(result.code, result.stderr).toBe(0);
  });
});
