import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, type Message } from "esbuild";
import { BuildError } from "../errors.ts";
import { creatorFolderPlugin } from "./creator-folder-plugin.ts";
import { webAssetsPlugin } from "./web-assets-plugin.ts";

// With nodejs_compat, workerd provides Node built-ins (bare or `node:`); the bundle must leave them be.
const NODE_BUILTINS = builtinModules.flatMap((name) => [name, `node:${name}`]);
const RUNTIME_DIR = fileURLToPath(new URL("../../runtime/", import.meta.url));
// esbuild writes each input's path (relative to the working directory) into the bundle as a
// comment; pinning it to the repository root keeps the content hash the same from any cwd
// (the Pulumi provider host, CI, a creator's subfolder).
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Path of a file under runtime/ (templates and platform workers). */
export function runtimePath(relativePath: string): string {
  return RUNTIME_DIR + relativePath;
}

/**
 * Bundles an entry into one ES module for workerd. With `creatorEntry` (inside `creatorDir`), the
 * import "402claw:creator" is that module, and the creator's own imports must stay in its folder.
 */
export async function bundleWorker(
  entry: string,
  options: { creatorEntry?: string; creatorDir?: string; label?: string; external?: string[] } = {},
): Promise<string> {
  const creator: BuildOptions =
    options.creatorEntry && options.creatorDir
      ? { plugins: [creatorFolderPlugin(options.creatorDir, options.creatorEntry)], preserveSymlinks: true }
      : options.creatorEntry
        ? { alias: { "402claw:creator": options.creatorEntry } }
        : // Platform workers: the dispatch worker imports its pages' browser assets, built here.
          { plugins: [webAssetsPlugin(runtimePath("dispatch/web/browser/"), REPO_ROOT)] };
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: REPO_ROOT,
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      external: ["cloudflare:*", ...NODE_BUILTINS, ...(options.external ?? [])],
      ...creator,
      logLevel: "silent",
      legalComments: "none",
    });
    return result.outputFiles![0]!.text;
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors ?? [];
    const first = errors[0];
    if (!first) throw error;
    const where = first.location
      ? `${first.location.file}:${first.location.line}:${first.location.column}`
      : entry;
    throw new BuildError(
      options.label ?? where,
      `cannot be bundled: ${first.text} (at ${where})`,
      "fix the code so it compiles",
    );
  }
}
