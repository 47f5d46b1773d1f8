import { BuildError, ManifestError } from "../errors.ts";
import { type LoadedApi, loadStackApis } from "../manifest/load.ts";
import { buildApi, sourceLabelOf } from "./build-api.ts";
import { LoadChecker } from "./load-check.ts";
import type { BuiltApi } from "./types.ts";

/** One API that could not be loaded, built or published, and why (the message names file and fix). */
export interface ApiFailure {
  /** The API's slug, or its folder name when its manifest did not load. */
  api: string;
  message: string;
}

/** The result of building a whole stack: every good API, and every failing one named. */
export interface StackBuild {
  built: Array<{ api: LoadedApi; built: BuiltApi }>;
  failures: ApiFailure[];
}

/** The API folder a repository-relative file belongs to (`stacks/<stack>/apis/<slug>/…` → slug). */
export function apiOfFile(file: string): string {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf("apis");
  return (at >= 0 ? parts[at + 1] : undefined) ?? file;
}

/**
 * A failure record from whatever was thrown while handling `api`. Manifest and build errors name
 * their file already; anything else (a split's fee bounds, a deploy step) gets the API's `file`.
 */
export function failureOf(api: string, error: unknown, file?: string): ApiFailure {
  const message = error instanceof Error ? error.message : String(error);
  const named = error instanceof ManifestError || error instanceof BuildError || !file;
  return { api, message: named ? message : `${file}: publishing failed: ${message}` };
}

/**
 * Loads and builds every API of a stack, one at a time (a large dataset's memory is freed before
 * the next), so one bad API never hides or stops the others; then loads each built function in
 * workerd (`loadCheck`, default on) so a module that would fail at run time fails here. Used by
 * `402claw validate`.
 */
export async function buildStackApis(
  root: string,
  stack: string,
  options: { loadCheck?: boolean } = {},
): Promise<StackBuild> {
  const { apis, errors } = loadStackApis(root, stack);
  const result: StackBuild = {
    built: [],
    failures: errors.map((error) => failureOf(apiOfFile(error.file), error)),
  };
  const checker = options.loadCheck === false ? undefined : new LoadChecker();
  try {
    for (const api of apis) {
      try {
        const built = await buildApi(api);
        await checker?.check(built, sourceLabelOf(api));
        result.built.push({ api, built });
      } catch (error) {
        result.failures.push(failureOf(api.manifest.slug, error));
      }
    }
  } finally {
    await checker?.stop();
  }
  return result;
}
