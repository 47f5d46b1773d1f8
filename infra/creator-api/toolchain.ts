// Loaded by the CreatorApi provider at call time (through tsx), so the provider's serialised
// closure does not drag esbuild, zod or the file system along. Same code as `402claw validate`.

import { join } from "node:path";
import { buildApi } from "../../core/build/build-api.ts";
import type { BuiltApi } from "../../core/build/types.ts";
import { loadApiFolder } from "../../core/manifest/load.ts";
import type { FolderProblem } from "./types.ts";

/** Manifest problems of one API folder, exactly as `402claw validate` reports them. */
export async function validateApiFolder(repoRoot: string, apiDir: string): Promise<FolderProblem[]> {
  const loaded = loadApiFolder(repoRoot, join(repoRoot, apiDir));
  return Array.isArray(loaded) ? loaded.map((error) => ({ field: error.field, message: error.message })) : [];
}

/** Builds one API folder with the shared builder; throws the manifest problems if it is invalid. */
export async function buildApiFolder(repoRoot: string, apiDir: string): Promise<BuiltApi> {
  const loaded = loadApiFolder(repoRoot, join(repoRoot, apiDir));
  if (Array.isArray(loaded)) throw new Error(loaded.map((error) => error.message).join("\n"));
  return buildApi(loaded);
}
