import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { isScalar, parseDocument, YAMLParseError } from "yaml";
import type { z } from "zod";
import { ManifestError } from "../errors.ts";
import { containmentProblem, readCreatorFile } from "./contained-path.ts";
import { fixFor } from "./fixes.ts";
import { type ApiManifest, apiManifestSchema } from "./schema.ts";

/** A manifest is a few lines; this bounds what a hostile one can make the loader parse. */
const MAX_MANIFEST_BYTES = 64 * 1024;

/** A manifest that passed validation, with where it lives. */
export interface LoadedApi {
  manifest: ApiManifest;
  /** Absolute folder of the API. */
  dir: string;
  /** Absolute path of the source file the manifest names. */
  sourcePath: string;
  /** api.yaml path relative to the repository root, for messages. */
  file: string;
}

export interface StackLoadResult {
  apis: LoadedApi[];
  errors: ManifestError[];
}

/** Folder holding a stack's creator APIs. */
export function stackApisDir(root: string, stack: string): string {
  return join(root, "stacks", stack, "apis");
}

/** Loads and validates every `stacks/<stack>/apis/<slug>/api.yaml`; never throws for creator mistakes. */
export function loadStackApis(root: string, stack: string): StackLoadResult {
  const apisDir = stackApisDir(root, stack);
  if (!existsSync(apisDir)) return { apis: [], errors: [] };
  const result: StackLoadResult = { apis: [], errors: [] };
  const entries = readdirSync(apisDir)
    .filter((name) => !name.startsWith("."))
    .sort();
  for (const folder of entries) {
    const stats = lstatSync(join(apisDir, folder));
    if (stats.isSymbolicLink()) {
      // Never followed: it could publish files from anywhere on the machine (or the CI runner).
      result.errors.push(
        new ManifestError(
          relative(root, join(apisDir, folder)),
          "(folder)",
          "is a symbolic link, which is never followed",
          "replace the link with a real folder holding the API's files",
        ),
      );
      continue;
    }
    if (!stats.isDirectory()) continue;
    const loaded = loadApiFolder(root, join(apisDir, folder));
    if (Array.isArray(loaded)) result.errors.push(...loaded);
    else result.apis.push(loaded);
  }
  return result;
}

/** Loads one API folder; returns the API or every problem found in its manifest. */
export function loadApiFolder(root: string, dir: string): LoadedApi | ManifestError[] {
  const manifestPath = join(dir, "api.yaml");
  const file = relative(root, manifestPath) || manifestPath;
  const folder = dir.split(/[\\/]/).pop() ?? "";
  if (!lstatOrUndefined(manifestPath)) {
    return [
      new ManifestError(
        file,
        "(file)",
        "is missing",
        `add api.yaml to ${relative(root, dir)} (402claw init scaffolds one)`,
      ),
    ];
  }
  const read = readCreatorFile(dir, "api.yaml", MAX_MANIFEST_BYTES);
  if ("problem" in read) {
    return [new ManifestError(file, "(file)", read.problem, "make api.yaml a plain file of at most 64 KiB")];
  }
  let raw: unknown;
  try {
    raw = readManifestYaml(new TextDecoder().decode(read.bytes));
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` at line ${error.linePos?.[0]?.line}` : "";
    return [new ManifestError(file, "(yaml)", `is not valid YAML${where}`, "check indentation and quoting")];
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return [
      new ManifestError(file, "(yaml)", "must be a mapping of fields", "write fields as key: value lines"),
    ];
  }
  const parsed = apiManifestSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((issue) => issueToError(file, issue));
  const manifest = parsed.data;
  const errors: ManifestError[] = [];
  if (manifest.slug !== folder) {
    errors.push(
      new ManifestError(
        file,
        "slug",
        `"${manifest.slug}" differs from its folder name "${folder}"`,
        `set slug: ${folder} or rename the folder`,
      ),
    );
  }
  const sourcePath = join(dir, manifest.source);
  const unsafe = containmentProblem(dir, manifest.source);
  if (unsafe) {
    errors.push(
      new ManifestError(
        file,
        "source",
        `"${manifest.source}" ${unsafe}`,
        "put the data or code file itself in the API folder (not a link to it) and name it in source",
      ),
    );
  } else if (!lstatOrUndefined(sourcePath)) {
    errors.push(
      new ManifestError(
        file,
        "source",
        `file "${manifest.source}" does not exist in ${relative(root, dir)}`,
        fixFor("source"),
      ),
    );
  }
  return errors.length ? errors : { manifest, dir, sourcePath, file };
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Parses api.yaml. YAML reads an unquoted `owner: 0x90F7…` as a hex number, so the owner is taken
 * exactly as written: creators should not have to know to quote their wallet.
 */
function readManifestYaml(text: string): unknown {
  const document = parseDocument(text);
  if (document.errors[0]) throw document.errors[0];
  const raw = document.toJS();
  const owner = document.get("owner", true);
  if (raw && typeof raw === "object" && isScalar(owner) && typeof owner.value === "number" && owner.source) {
    (raw as Record<string, unknown>).owner = owner.source;
  }
  return raw;
}

function issueToError(file: string, issue: z.core.$ZodIssue): ManifestError {
  const field = issue.path.length ? issue.path.map(String).join(".") : "(manifest)";
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.join(", ");
    return new ManifestError(file, keys, "is not a manifest field", fixFor(issue.keys[0] ?? keys));
  }
  const problem =
    issue.code === "invalid_type" && / received undefined$/.test(issue.message)
      ? "is required"
      : issue.code === "invalid_value"
        ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`
        : issue.message;
  return new ManifestError(file, field, problem, fixFor(field));
}
