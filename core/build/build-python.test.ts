import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../local/paths.ts";
import { loadApiFolder } from "../manifest/load.ts";
import { pythonModules } from "./build-python.ts";

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "402claw-py-build-"));
  dir = join(root, "stacks/dev/apis/text-stats");
  cpSync(join(REPO_ROOT, "stacks/dev/apis/text-stats"), dir, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function modules() {
  const loaded = loadApiFolder(root, dir);
  if (Array.isArray(loaded)) throw loaded[0];
  return pythonModules(loaded, "stacks/dev/apis/text-stats/handler.py").modules.map((module) => module.name);
}

describe("a Python function's modules", () => {
  it("are the platform's main and entry modules and the creator's .py files", () => {
    expect(modules()).toEqual(["claw_worker.py", "claw_entry.py", "handler.py"]);
  });

  it.each(["workers.py", "claw_local.py", "claw_entry.py", "python_modules/pkg.py", "workers/__init__.py"])(
    "refuses a creator file named %s (it would shadow the platform's or the SDK's module)",
    (file) => {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), "X = 1\n");
      expect(modules).toThrow(
        `stacks/dev/apis/text-stats/${file}: uses a name the platform's own modules have`,
      );
    },
  );
});
