import { createHash } from "node:crypto";
import { basename } from "node:path";
import { build, type Plugin } from "esbuild";

/** The import the dispatch worker reads its browser assets from (built here, at bundle time). */
export const WEB_ASSETS_MODULE = "402claw:web-assets";

/** Browser entries under runtime/dispatch/web/browser/, each served as /assets/<name>-<hash>.<ext>. */
const ENTRIES = ["site.css", "try-it.ts", "dashboard.ts"] as const;

const CONTENT_TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** What the dispatch worker serves: files by URL path, and each entry's URL by its source name. */
export interface BuiltWebAssets {
  files: Record<string, { type: string; body: string }>;
  entries: Record<string, string>;
}

/**
 * Builds the pages' scripts and styles (with viem, the x402 client and uPlot) into hashed files:
 * everything a page loads is bundled and served by the gateway itself, never from a CDN.
 */
export async function buildWebAssets(browserDir: string, repoRoot: string): Promise<BuiltWebAssets> {
  const result = await build({
    entryPoints: ENTRIES.map((entry) => `${browserDir}${entry}`),
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outdir: "/assets",
    entryNames: "[name]-[hash]",
    // Pages share viem and the x402 client: one cached chunk instead of a copy per page.
    splitting: true,
    chunkNames: "shared-[hash]",
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  const files: BuiltWebAssets["files"] = {};
  const entries: BuiltWebAssets["entries"] = {};
  const entryOf = new Map<string, string>();
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    // Dynamically imported modules (e.g. viem's ccip) have an entryPoint too; only ours are pages' entries.
    const entry = output.entryPoint ? basename(output.entryPoint) : "";
    if ((ENTRIES as readonly string[]).includes(entry))
      entryOf.set(basename(path), entry.replace(/\.ts$/, ".js"));
  }
  for (const file of result.outputFiles) {
    const type = CONTENT_TYPES[file.path.split(".").pop() ?? ""];
    if (!type) continue;
    const urlPath = `/assets/${basename(file.path)}`;
    files[urlPath] = { type, body: file.text };
    const entry = entryOf.get(basename(file.path));
    if (entry) entries[entry] = urlPath;
  }
  return { files, entries };
}

/** An esbuild plugin that resolves `402claw:web-assets` to the built browser assets. */
export function webAssetsPlugin(browserDir: string, repoRoot: string): Plugin {
  return {
    name: "402claw-web-assets",
    setup(plugin) {
      plugin.onResolve({ filter: /^402claw:web-assets$/ }, (args) => ({
        path: args.path,
        namespace: "web-assets",
      }));
      plugin.onLoad({ filter: /.*/, namespace: "web-assets" }, async () => {
        const assets = await buildWebAssets(browserDir, repoRoot);
        // The hash is part of the module so a content change always changes the worker bundle.
        const digest = createHash("sha256").update(JSON.stringify(assets)).digest("hex").slice(0, 16);
        return { contents: `export default ${JSON.stringify({ ...assets, digest })};`, loader: "js" };
      });
    },
  };
}
