import { execFile } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildApi } from "../../core/build/build-api.ts";
import { type DeclaredResource, runProgramUnderMocks } from "../plan/run-under-mocks.ts";
import { readStackConfig } from "../plan/stack-config.ts";
import { fakeSplitPredictor } from "./fake-split-predictor.ts";

export const REPO_ROOT = join(import.meta.dirname, "../..");
/** Platform workers are stubbed: these tests are about declarations, not bundles. */
export const stubBundle = async (entry: string) => `// bundle of runtime/${entry}`;

/** A scratch repository root holding the stack files, migrations and a copy of stacks/dev. */
export function scratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "claw-program-"));
  for (const path of ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "runtime/migrations", "stacks/dev"]) {
    cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
  }
  return root;
}

/**
 * Runs the program for `stack` from `root` with the stack file's config (plus overrides). Split
 * addresses come from the FAKE predictor (`fakeSplitAddress(terms)`), so no RPC is needed.
 */
export function runStack(
  root: string,
  stack: string,
  overrides: Record<string, string> = {},
  options: RunOptions = {},
) {
  const { values, secretKeys } = readStackConfig(root, stack);
  return runProgramUnderMocks({
    root,
    stack,
    values: { ...values, ...overrides },
    secretKeys,
    bundle: stubBundle,
    build: buildApi,
    splitPredictor: fakeSplitPredictor(),
    allowPlaceholders: options.allowPlaceholders ?? false,
  });
}

/** How a test runs the program: strict like `pulumi up` (default) or lenient like `402claw plan`. */
export interface RunOptions {
  allowPlaceholders?: boolean;
}

/** What a filled-in stack sets instead of the template's placeholders (any real-looking values). */
export const FILLED_IN = {
  "402claw:accountId": "0123456789abcdef0123456789abcdef",
  "402claw:zoneId": "fedcba9876543210fedcba9876543210",
  "402claw:platformWallet": "0x84Fa334eb15209e21779Ae557C3cfDB046f66111",
};

/** runStack in a child process under tsx (the way `pulumi up` runs the program); rejects with the program's error. */
export async function runStackIsolated(
  root: string,
  stack: string,
  overrides: Record<string, string> = {},
  options: RunOptions = {},
) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      join(REPO_ROOT, "infra/testing/run-stack-child.ts"),
      root,
      stack,
      JSON.stringify(overrides),
      JSON.stringify(options),
    ],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: "1" } },
  );
  const result = JSON.parse(stdout) as {
    error?: string;
    resources: DeclaredResource[];
    outputs: Record<string, unknown>;
  };
  if (result.error) throw new Error(result.error);
  return result;
}
