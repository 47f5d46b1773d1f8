import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeTempProject, type TempProject } from "../../e2e/support/temp-project.ts";
import { runCli } from "../../e2e/support/test-stack.ts";

let project: TempProject;
afterEach(() => project?.remove());

describe("402claw test", () => {
  it("passes the examples' tests and exits 0", async () => {
    project = makeTempProject();
    const result = await runCli(project, "test");
    expect(result.stdout).toContain("✓ fx-convert: converts dollars to euros");
    expect(result.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(result.code).toBe(0);
  });

  it("fails a wrong expectation with a diff naming each difference, exit 1", async () => {
    project = makeTempProject();
    writeFileSync(
      join(project.apisDir, "fx-convert", "tests.yaml"),
      '- name: wrong rate\n  request: { path: "/?from=USD&to=EUR&amount=100" }\n  expect: { status: 201, json: { rate: 0.95, to: EUR } }\n',
    );
    const result = await runCli(project, "test", "fx-convert");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "✗ fx-convert: wrong rate\n    status: expected 201, got 200\n    body.rate: expected 0.95, got 0.9215",
    );
    expect(result.stdout).toContain("0 passed, 1 failed");
  });

  it("tests the module and Hono forms with their .dev.vars secret", async () => {
    project = makeTempProject({ fixtures: ["form-module", "form-hono"], nodeModules: true });
    for (const slug of ["form-module", "form-hono"])
      writeFileSync(join(project.apisDir, slug, ".dev.vars"), "UPSTREAM_KEY=abc\n");
    // sha256("abc")
    const digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    writeFileSync(
      join(project.apisDir, "form-module", "tests.yaml"),
      `- name: module\n  request: { path: "/items?q=1" }\n  expect: { status: 200, json: { form: module, path: /items, q: "1", keyDigest: ${digest} } }\n`,
    );
    writeFileSync(
      join(project.apisDir, "form-hono", "tests.yaml"),
      "- name: hono post\n  request: { method: POST, path: /echo, body: { n: 2 } }\n  expect: { json: { echoed: { n: 2 } } }\n",
    );
    const result = await runCli(project, "test", "form-module", "form-hono");
    expect(result.stdout).toContain("2 passed, 0 failed");
    expect(result.code).toBe(0);
  });

  it("exits 2 naming a bad tests file, a secret without a value and an unknown slug", async () => {
    project = makeTempProject({ fixtures: ["form-handler"] });
    writeFileSync(
      join(project.apisDir, "form-handler", "tests.yaml"),
      "- name: x\n  request: {}\n  expect: { status: 200 }\n",
    );
    writeFileSync(
      join(project.apisDir, "fx-convert", "tests.yaml"),
      "- name: x\n  request: { path: nope }\n  expect: {}\n",
    );
    const result = await runCli(project, "test", "form-handler", "fx-convert", "nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no API 'nope' in stack 'dev'");
    expect(result.stderr).toContain(
      "stacks/dev/apis/form-handler/api.yaml: secrets: UPSTREAM_KEY has no local value",
    );
    expect(result.stderr).toMatch(
      /stacks\/dev\/apis\/fx-convert\/tests\.yaml: case 1: request\.path: must start with \/ or \?/,
    );
  });
});
