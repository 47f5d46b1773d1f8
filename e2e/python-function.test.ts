import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../local/stack.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";

// Python functions in the real local marketplace: CPython (pyodide from npm) inside the API's own
// workerd process, paid through the gateway, with its secret from .dev.vars, its imports of
// sibling .py files, and its outgoing fetch judged by the same outbound egress policy.

const SECRET = "py-secret-value-81x";
let project: TempProject;
let stack: LocalStack;
let paying: typeof fetch;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["py-fetch"] });
  writeFileSync(join(project.apisDir, "py-fetch", ".dev.vars"), `PY_KEY=${SECRET}\n`);
  // The platform default CPU limit is lowered so the runaway below is stopped sooner.
  stack = await startTestStack(project, { creatorCpuMs: 300, creatorTimeoutMs: 15_000 });
  paying = demoPayerFetch(stack.devFile);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

describe("Python functions", () => {
  it("publishes the Python example and fixture", () => {
    expect(stack.failures).toEqual([]);
    expect(stack.apis.map((api) => api.slug)).toEqual(expect.arrayContaining(["text-stats", "py-fetch"]));
  });

  it("text-stats answers a paid call with CPython's result", async () => {
    const response = await paying(
      `${stack.url}/text-stats?text=${encodeURIComponent("One two two. Three!")}&top=1`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("payment-response")).toBeTruthy();
    expect(await response.json()).toMatchObject({
      words: 4,
      sentences: 2,
      top_words: [{ word: "two", count: 2 }],
    });
  });

  it("a handler's (body, 400) answer is not charged", async () => {
    const response = await paying(`${stack.url}/text-stats?text=`);
    expect(response.status).toBe(400);
    expect(response.headers.get("payment-response")).toBeNull();
  });

  it("gets its input, its secret in input.env, and imports a sibling module", async () => {
    const response = await paying(`${stack.url}/py-fetch/`);
    expect(await response.json()).toEqual({
      key_digest: createHash("sha256").update(SECRET).digest("hex"),
      slug: "py-fetch",
      loud: "HI!",
      method: "GET",
    });
  });

  it("its fetch goes through the outbound worker: an allowed host answers, others are refused", async () => {
    const allowed = await paying(
      `${stack.url}/py-fetch/?url=${encodeURIComponent("https://api.frankfurter.app/latest?from=USD&to=EUR")}`,
    );
    const allowedBody = (await allowed.json()) as { status: number; body: string };
    expect(allowedBody.status).toBe(200);
    expect(allowedBody.body).toContain('"EUR"');
    for (const url of [
      "https://example.com/",
      "http://127.0.0.1:1/",
      "http://169.254.169.254/latest/meta-data",
    ]) {
      const denied = await paying(`${stack.url}/py-fetch/?url=${encodeURIComponent(url)}`);
      expect(((await denied.json()) as { status: number }).status, url).toBe(403);
    }
  });

  it("a Python runaway is stopped with a 502, not charged; the API serves again, secret included", async () => {
    const looping = await paying(`${stack.url}/py-fetch/?loop=1`);
    expect(looping.status).toBe(502);
    expect(["creator_cpu_exceeded", "creator_timeout"]).toContain(
      ((await looping.json()) as { error: { code: string } }).error.code,
    );
    expect(looping.headers.get("payment-response")).toBeNull();
    const again = await paying(`${stack.url}/py-fetch/`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { key_digest: string }).key_digest).toBe(
      createHash("sha256").update(SECRET).digest("hex"),
    );
  });

  it("a Python API made by `402claw init --lang python`, then edited, answers paid calls with each version", async () => {
    const init = await runCli(project, "init", "py-new", "--kind", "function", "--lang", "python");
    expect(init.code, init.stderr).toBe(0);
    await stack.reload();
    const first = await paying(`${stack.url}/py-new/?name=ada`);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ greeting: "hello, ada" });
    const handler = join(project.apisDir, "py-new", "handler.py");
    writeFileSync(handler, readFileSync(handler, "utf8").replace('f"hello, {name}"', 'f"bonjour, {name}"'));
    await stack.reload();
    expect(await (await paying(`${stack.url}/py-new/?name=ada`)).json()).toEqual({
      greeting: "bonjour, ada",
    });
  });
});
