import { isAbsolute, relative, sep } from "node:path";
import type { Plugin } from "esbuild";
import { containmentProblem } from "../manifest/contained-path.ts";

const SKIP = Symbol("resolving for the creator-folder check");
const NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * Keeps a creator's bundle to its own folder: files it imports by path must be inside the API folder
 * and reached without symlinks (an import of `../../../secret.json`, or of a link to it, would
 * publish a file of the machine that builds it); packages come from node_modules as usual.
 * The build must run with `preserveSymlinks` so resolved paths still show the links.
 */
export function creatorFolderPlugin(creatorDir: string, creatorEntry: string): Plugin {
  const insideFolder = (path: string) => {
    const rel = relative(creatorDir, path);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  };
  const refuse = (path: string, why: string) => ({
    errors: [{ text: `imports "${path}", which ${why}` }],
  });
  return {
    name: "402claw-creator-folder",
    setup(build) {
      build.onResolve({ filter: /^402claw:creator$/ }, () => {
        const problem = containmentProblem(creatorDir, relative(creatorDir, creatorEntry));
        return problem ? refuse(creatorEntry, problem) : { path: creatorEntry };
      });
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === SKIP || !insideFolder(args.importer)) return undefined;
        const result = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: SKIP,
        });
        if (result.errors.length > 0 || result.external || result.namespace !== "file") return result;
        if (insideFolder(result.path)) {
          const problem = containmentProblem(creatorDir, relative(creatorDir, result.path));
          return problem ? refuse(args.path, problem) : result;
        }
        const byPath = /^(\.|\/|\\|[a-zA-Z]:)/.test(args.path);
        if (!byPath && result.path.includes(NODE_MODULES)) return result;
        return refuse(args.path, "resolves outside the API folder");
      });
    },
  };
}
