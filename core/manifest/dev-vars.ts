import { existsSync } from "node:fs";
import { join } from "node:path";
import { ManifestError } from "../errors.ts";
import { readCreatorFile } from "./contained-path.ts";
import type { LoadedApi } from "./load.ts";

/** The local secrets file of an API folder (wrangler's name and format); gitignored. */
export const DEV_VARS_FILE = ".dev.vars";
const MAX_DEV_VARS_BYTES = 64 * 1024;

/**
 * Parses wrangler's `.dev.vars` (dotenv) format: `NAME=value` lines, optional `export `, values
 * bare (trimmed, ` #` starts a comment), 'single-quoted' (literal) or "double-quoted" (`\n`,
 * `\t`, `\"` and `\\` escapes, may span lines); `#` comment lines and blank lines are skipped.
 */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const pattern =
    /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*("(?:\\.|[^"\\])*"|'[^']*'|[^\n]*)[ \t]*$/gm;
  const body = text.replace(/\r\n?/g, "\n");
  for (const match of body.matchAll(pattern)) {
    const [, name, raw = ""] = match;
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) {
      vars[name!] = raw
        .slice(1, -1)
        .replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c] ?? c);
    } else if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) {
      vars[name!] = raw.slice(1, -1);
    } else {
      vars[name!] = raw.replace(/[ \t]+#.*$/, "").trim();
    }
  }
  return vars;
}

/** The API folder's `.dev.vars` as a path relative to the repository, for messages. */
export function devVarsLabel(api: LoadedApi): string {
  return api.file.replace(/api\.yaml$/, DEV_VARS_FILE);
}

/** Every value in the API folder's `.dev.vars` ({} without one); refuses a link or an oversized file. */
export function readDevVars(api: LoadedApi): Record<string, string> {
  if (!existsSync(join(api.dir, DEV_VARS_FILE))) return {};
  const read = readCreatorFile(api.dir, DEV_VARS_FILE, MAX_DEV_VARS_BYTES);
  if ("problem" in read) {
    throw new ManifestError(
      devVarsLabel(api),
      "(file)",
      read.problem,
      "make .dev.vars a plain file of at most 64 KiB",
    );
  }
  return parseDevVars(new TextDecoder().decode(read.bytes));
}

/**
 * The values of an API's declared secrets from its folder's `.dev.vars` (the local stack's
 * source). Throws a ManifestError naming every declared secret without a value and the fix.
 * Only declared names are returned: other lines never reach the worker.
 */
export function readLocalSecrets(api: LoadedApi): Record<string, string> {
  const names = api.manifest.secrets ?? [];
  if (names.length === 0) return {};
  const file = devVarsLabel(api);
  const vars = readDevVars(api);
  const missing = names.filter((name) => vars[name] === undefined);
  if (missing.length) {
    throw new ManifestError(
      api.file,
      "secrets",
      `${missing.join(", ")} ${missing.length === 1 ? "has" : "have"} no local value`,
      `add ${missing.map((name) => `${name}=…`).join(" and ")} to ${file} (gitignored; wrangler's format)`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, vars[name]!]));
}
