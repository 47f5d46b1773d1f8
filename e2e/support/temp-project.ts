import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../local/paths.ts";

export interface TempProject {
  root: string;
  stack: string;
  apisDir: string;
  remove(): void;
}

/** A throw-away project root holding a copy of the dev stack's APIs plus any test fixtures. */
export function makeTempProject(
  options: { fixtures?: string[]; stack?: string; nodeModules?: boolean } = {},
): TempProject {
  const root = mkdtempSync(join(tmpdir(), "402claw-"));
  const stack = options.stack ?? "dev";
  const apisDir = join(root, "stacks", stack, "apis");
  cpSync(join(REPO_ROOT, "stacks", "dev", "apis"), apisDir, { recursive: true });
  for (const fixture of options.fixtures ?? []) {
    cpSync(join(REPO_ROOT, "e2e", "fixtures", "apis", fixture), join(apisDir, fixture), { recursive: true });
  }
  // As in a checkout: functions that import packages find the repository's node_modules.
  if (options.nodeModules) symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"));
  return { root, stack, apisDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
