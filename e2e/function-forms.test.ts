import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../local/stack.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";

// The three JS/TS forms (handler, Workers module, Hono app), each reading a secret from its
// folder's .dev.vars, answer paid calls through the real local marketplace; the secret reaches
// the function and appears nowhere a caller, an agent or the local tools can read.

const FORMS = ["form-handler", "form-module", "form-hono"];
const secretOf = (slug: string, version = 1) => `sk-${slug}-v${version}-Zq9w`;
const digest = (value: string) => createHash("sha256").update(value).digest("hex");

let project: TempProject;
let stack: LocalStack;
let paying: typeof fetch;

function writeDevVars(slug: string, version: number) {
  writeFileSync(
    join(project.apisDir, slug, ".dev.vars"),
    `# local secrets\nUPSTREAM_KEY="${secretOf(slug, version)}"\nNOT_DECLARED=never-bound\n`,
  );
}

beforeAll(async () => {
  project = makeTempProject({ fixtures: FORMS, nodeModules: true });
  for (const slug of FORMS) writeDevVars(slug, 1);
  stack = await startTestStack(project);
  paying = demoPayerFetch(stack.devFile);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

describe("function forms, paid, with secrets", () => {
  it("publishes every form", () => {
    expect(stack.failures).toEqual([]);
    expect(stack.apis.map((api) => api.slug)).toEqual(expect.arrayContaining(FORMS));
  });

  it("a handler gets its input and input.env with the secret", async () => {
    const response = await paying(`${stack.url}/form-handler/convert?from=USD`);
    expect(response.status).toBe(200);
    expect(response.headers.get("payment-response")).toBeTruthy();
    expect(await response.json()).toEqual({
      form: "handler",
      method: "GET",
      path: "/convert",
      query: { from: "USD" },
      body: null,
      slug: "form-handler",
      keyDigest: digest(secretOf("form-handler")),
    });
  });

  it("a Workers module gets fetch(request, env) with the secret in env; its 404 is not charged", async () => {
    const ok = await paying(`${stack.url}/form-module/items?q=tea`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      form: "module",
      method: "GET",
      path: "/items",
      q: "tea",
      slug: "form-module",
      keyDigest: digest(secretOf("form-module")),
    });
    const missing = await paying(`${stack.url}/form-module/missing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("payment-response")).toBeNull();
  });

  it("a Hono app routes relative to the API and reads c.env", async () => {
    const greet = await paying(`${stack.url}/form-hono/greet/ada`);
    expect(greet.status).toBe(200);
    expect(await greet.json()).toEqual({
      form: "hono",
      greeting: "hello, ada",
      keyDigest: digest(secretOf("form-hono")),
    });
    const echo = await paying(`${stack.url}/form-hono/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 1 }),
    });
    expect(await echo.json()).toEqual({ form: "hono", echoed: { n: 1 } });
  });

  it("the secret appears in no catalog, 402, discovery document or local tool file", async () => {
    const seen: string[] = [];
    for (const path of ["/", "/openapi.json", "/.well-known/x402", "/llms.txt", "/catalog/form-module"]) {
      const response = await fetch(`${stack.url}${path}`, { headers: { accept: "application/json" } });
      seen.push(await response.text());
    }
    for (const slug of FORMS) {
      const quote = await fetch(`${stack.url}/${slug}/x`);
      expect(quote.status).toBe(402);
      seen.push(
        Buffer.from(quote.headers.get("payment-required") ?? "", "base64").toString(),
        await quote.text(),
      );
    }
    seen.push(readFileSync(stack.devFilePath, "utf8"));
    const everything = seen.join("\n");
    for (const slug of FORMS) expect(everything).not.toContain(secretOf(slug));
    expect(everything).not.toContain("never-bound");
  });

  it("a changed .dev.vars value reaches the function after a republish", async () => {
    writeDevVars("form-module", 2);
    await stack.reload();
    const response = await paying(`${stack.url}/form-module/items`);
    expect(((await response.json()) as { keyDigest: string }).keyDigest).toBe(
      digest(secretOf("form-module", 2)),
    );
  });

  it("a declared secret without a local value fails that API alone, naming it", async () => {
    rmSync(join(project.apisDir, "form-hono", ".dev.vars"));
    await stack.reload();
    expect(stack.failures).toEqual([
      {
        api: "form-hono",
        message: expect.stringMatching(
          /form-hono\/api\.yaml: secrets: UPSTREAM_KEY has no local value\. Fix: add UPSTREAM_KEY=… to stacks\/dev\/apis\/form-hono\/\.dev\.vars/,
        ),
      },
    ]);
    // Its last good deployment keeps serving, and the others are untouched.
    expect((await paying(`${stack.url}/form-hono/greet/x`)).status).toBe(200);
    expect((await paying(`${stack.url}/form-handler/`)).status).toBe(200);
  });
});
