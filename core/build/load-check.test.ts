import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../local/paths.ts";
import { BuildError } from "../errors.ts";
import { loadStackApis } from "../manifest/load.ts";
import { buildApi, sourceLabelOf } from "./build-api.ts";
import { LoadChecker } from "./load-check.ts";

/** Every JS/TS form loads in workerd; a module in none of them, or one that throws or hangs while loading, is refused naming its file. */

const root = mkdtempSync(join(tmpdir(), "402claw-load-"));
symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"));
const checker = new LoadChecker(3_000);
afterAll(async () => {
  await checker.stop();
  rmSync(root, { recursive: true, force: true });
});

async function check(slug: string, file: string, code: string): Promise<string | undefined> {
  const dir = join(root, "stacks", slug, "apis", slug);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), code);
  writeFileSync(
    join(dir, "api.yaml"),
    `slug: ${slug}\ntitle: T\ndescription: D\nowner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906"\nprice: "$0.001"\nkind: function\nsource: ${file}\n`,
  );
  const [api] = loadStackApis(root, slug).apis;
  const built = await buildApi(api!);
  try {
    await checker.check(built, sourceLabelOf(api!));
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(BuildError);
    return (error as Error).message;
  }
}

describe("loading a built function in workerd", () => {
  it("accepts a handler, a Workers module and a Hono app", async () => {
    expect(await check("handler", "h.ts", "export default async (input) => input.query;")).toBeUndefined();
    expect(await check("named", "h.ts", "export async function handler() { return 1; }")).toBeUndefined();
    expect(
      await check("module", "w.ts", "export default { async fetch() { return new Response('ok'); } };"),
    ).toBeUndefined();
    expect(
      await check(
        "hono",
        "app.ts",
        'import { Hono } from "hono";\nexport default new Hono().get("/", (c) => c.text("x"));',
      ),
    ).toBeUndefined();
  });

  it("refuses a module that exports none of the forms, naming the file and the fix", async () => {
    const message = await check("none", "none.ts", "export const answer = 42;");
    expect(message).toMatch(
      /^stacks\/none\/apis\/none\/none\.ts: fails to load in workerd: the function module exports none of the supported forms\. Fix: export default a handler/,
    );
  });

  it("refuses an object without fetch and a class", async () => {
    expect(await check("object", "o.ts", "export default { get() { return 1; } };")).toMatch(
      /exports none of the supported forms/,
    );
    expect(await check("klass", "k.ts", "export default class Worker {}")).toMatch(
      /exports none of the supported forms/,
    );
  });

  it("refuses a module whose top-level code throws, with its message", async () => {
    expect(await check("throws", "t.ts", 'throw new Error("no config");\nexport default () => 1;')).toMatch(
      /t\.ts: fails to load in workerd: no config\. Fix: /,
    );
  });

  it("refuses a module that never finishes loading, and keeps checking the next one", async () => {
    expect(await check("hangs", "loop.ts", "while (true) {}\nexport default () => 1;")).toMatch(
      /loop\.ts: did not finish loading in workerd within 3 s/,
    );
    expect(await check("after", "h.ts", "export default () => 1;")).toBeUndefined();
  });
});
