import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWheel } from "../core/build/wheel-fixture.ts";
import type { LocalStack } from "../local/stack.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";

// Python functions in the real local marketplace: CPython (pyodide from npm) inside the API's own
// workerd process, paid through the gateway, with its secret from .dev.vars, its imports of
// sibling .py files, and its outgoing fetch judged by the same outbound egress policy.

const SECRET = "py-secret-value-81x";
const TOKEN = "py-entry-token-27q";
let project: TempProject;
let stack: LocalStack;
let paying: typeof fetch;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["py-fetch", "py-entry"] });
  writeFileSync(join(project.apisDir, "py-fetch", ".dev.vars"), `PY_KEY=${SECRET}\n`);
  writeFileSync(join(project.apisDir, "py-entry", ".dev.vars"), `PY_TOKEN=${TOKEN}\n`);
  writeVendoringApi(join(project.apisDir, "py-vendored"));
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
    expect(stack.apis.map((api) => api.slug)).toEqual(
      expect.arrayContaining(["text-stats", "py-fetch", "py-entry", "py-vendored"]),
    );
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

  it("the standard entry, class Default(WorkerEntrypoint), answers paid calls with its own status, headers and self.env secret", async () => {
    const read = await paying(`${stack.url}/py-entry/items`, { headers: { accept: "application/json" } });
    expect(read.status).toBe(200);
    expect(read.headers.get("payment-response")).toBeTruthy();
    expect(read.headers.get("cache-control")).toContain("no-store");
    expect(await read.json()).toEqual({
      method: "GET",
      path: "/items",
      accept: "application/json",
      token_digest: createHash("sha256").update(TOKEN).digest("hex"),
    });
    const made = await paying(`${stack.url}/py-entry/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ word: "ab" }),
    });
    expect(made.status).toBe(201);
    expect(made.headers.get("x-creator-note")).toBe("made");
    expect(made.headers.get("content-type")).toBe("application/json");
    expect(await made.json()).toEqual({ echo: "abab" });
  });

  it("a republished version is imported afresh in the same running interpreter: no module state survives, edited siblings are read", async () => {
    const dir = join(project.apisDir, "py-state");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "api.yaml"),
      'slug: py-state\ntitle: Py State\ndescription: Test-only module state.\nowner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906"\nprice: "$0.001"\nkind: function\nsource: handler.py\n',
    );
    writeFileSync(join(dir, "tally.py"), 'VERSION = "one"\nSEEN = []\n');
    writeFileSync(
      join(dir, "handler.py"),
      // `builtins` was loaded before any version: what is set on it shows which interpreter runs.
      "import builtins\nimport tally\nCALLS = []\nbuiltins.__dict__.setdefault('claw_test_first', tally.VERSION)\n\ndef handler(input):\n    CALLS.append(1)\n    tally.SEEN.append(1)\n    return {'calls': len(CALLS), 'seen': len(tally.SEEN), 'version': tally.VERSION, 'interpreter_since': builtins.claw_test_first}\n",
    );
    await stack.reload();
    const call = async () => (await paying(`${stack.url}/py-state/`)).json();
    expect(await call()).toEqual({ calls: 1, seen: 1, version: "one", interpreter_since: "one" });
    expect(await call()).toEqual({ calls: 2, seen: 2, version: "one", interpreter_since: "one" });
    // Only the sibling changes: the creator's main module must be imported afresh all the same.
    writeFileSync(join(dir, "tally.py"), 'VERSION = "two"\nSEEN = []\n');
    await stack.reload();
    // Fresh modules, same interpreter (no 2–3 s CPython start on an edit).
    expect(await call()).toEqual({ calls: 1, seen: 1, version: "two", interpreter_since: "one" });
    // A file that is gone in the new version is gone for the interpreter too.
    writeFileSync(
      join(dir, "handler.py"),
      "def handler(input):\n    try:\n        import tally\n        return {'tally': tally.VERSION}\n    except ImportError:\n        return {'tally': None}\n",
    );
    rmSync(join(dir, "tally.py"));
    await stack.reload();
    expect(await call()).toEqual({ tally: null });
  });

  it("imports a package vendored from requirements.txt (a pure-Python wheel in wheels/) in a paid call", async () => {
    const unpaid = await fetch(`${stack.url}/py-vendored/?text=${encodeURIComponent("Hello, Wörld 42")}`);
    expect(unpaid.status).toBe(402);
    const paid = await paying(`${stack.url}/py-vendored/?text=${encodeURIComponent("Hello, Wörld 42")}`);
    expect(paid.status).toBe(200);
    expect(paid.headers.get("payment-response")).toBeTruthy();
    expect(await paid.json()).toEqual({
      slug: "hello-w-rld-42",
      package: "tinyslug 1.0",
      from: "python_modules",
    });
  });
});

/** A Python API whose requirements.txt names a package whose wheel this test builds. */
function writeVendoringApi(dir: string): void {
  mkdirSync(join(dir, "wheels"), { recursive: true });
  writeFileSync(
    join(dir, "api.yaml"),
    'slug: py-vendored\ntitle: Py Vendored\ndescription: Test-only vendored package.\nowner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906"\nprice: "$0.001"\nkind: function\nsource: handler.py\n',
  );
  writeFileSync(join(dir, "requirements.txt"), "# vendored at build from wheels/\ntinyslug==1.0\n");
  writeFileSync(
    join(dir, "wheels", "tinyslug-1.0-py3-none-any.whl"),
    makeWheel("tinyslug", "1.0", {
      "tinyslug/__init__.py": 'from tinyslug.core import slugify\n\nVERSION = "1.0"\n',
      "tinyslug/core.py":
        "import re\n\n\ndef slugify(text):\n    return re.sub(r'[^a-z0-9]+', '-', text.lower()).strip('-')\n",
    }),
  );
  writeFileSync(
    join(dir, "handler.py"),
    "import tinyslug\n\n\ndef handler(input):\n    where = tinyslug.__file__.split('/')[-3]\n    return {'slug': tinyslug.slugify(input['query'].get('text', '')), 'package': f'tinyslug {tinyslug.VERSION}', 'from': where}\n",
  );
}
