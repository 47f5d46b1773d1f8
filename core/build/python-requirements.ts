import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BuildError } from "../errors.ts";
import { readCreatorFile } from "../manifest/contained-path.ts";
import type { BuiltModule } from "./types.ts";
import { isSpecialEntry, readZipEntry, zipEntries } from "./wheel-zip.ts";

/**
 * Vendoring a Python function's `requirements.txt` at build: each line names a package whose
 * pure-Python wheel (`*-py3-none-any.whl` / `py2.py3-none-any`) is in the API's `wheels/`
 * folder; its `.py` files become modules under `python_modules/`, which the deployed Python
 * Worker (and the local Pyodide stand-in) put on sys.path. Wheels are hostile input: contained
 * paths only, no links, bounded sizes (VENDOR_LIMITS), nothing written to disk.
 */

/** Where vendored modules live in the bundle (claw_worker.py adds it to sys.path). */
export const VENDOR_DIR = "python_modules";
/** The API's folder of wheels the build reads. */
export const WHEELS_DIR = "wheels";

export const VENDOR_LIMITS = {
  /** One wheel file. */
  maxWheelBytes: 5 * 1024 * 1024,
  /** Requirement lines. */
  maxRequirements: 50,
  /** Entries of one wheel. */
  maxEntries: 2_000,
  /** One vendored file, uncompressed (the same cap as the creator's own .py files). */
  maxFileBytes: 1024 * 1024,
  /**
   * All vendored files of one API, uncompressed: well under Workers' script size limit
   * (10 MB compressed on paid plans, 3 MB on free), which the creator's code shares.
   */
  maxTotalBytes: 8 * 1024 * 1024,
};

/** One `name` or `name==version` line. */
export interface Requirement {
  name: string;
  version?: string;
  line: number;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The requirements of a requirements.txt; anything but `name` / `name==version` is refused. */
export function parseRequirements(text: string, label: string): Requirement[] {
  const found: Requirement[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const content = raw.replace(/(^|\s)#.*$/, "").trim();
    if (content === "") continue;
    const where = `${label} line ${line}`;
    if (content.startsWith("-"))
      throw new BuildError(
        where,
        `"${content}": options (-e, -r, --index-url, …) are not supported`,
        "list packages only, one `name==version` per line, and put their wheels in wheels/",
      );
    if (/[:/@\\]/.test(content) || /\.whl$/i.test(content))
      throw new BuildError(
        where,
        `"${content}": URLs and paths are not supported`,
        "write `name==version` and put the wheel file in the API's wheels/ folder",
      );
    const match = /^([^=<>!~;[\s]+)\s*(?:==\s*(\S+))?$/.exec(content);
    if (!match || !NAME.test(match[1]!) || (match[2] !== undefined && !VERSION.test(match[2])))
      throw new BuildError(
        where,
        `"${content}" is not a supported requirement (only \`name\` or \`name==version\`; no ranges, extras or markers)`,
        "pin it as `name==version`",
      );
    found.push({ name: match[1]!, ...(match[2] ? { version: match[2] } : {}), line });
    if (found.length > VENDOR_LIMITS.maxRequirements)
      throw new BuildError(
        label,
        `over ${VENDOR_LIMITS.maxRequirements} requirements`,
        "vendor fewer packages",
      );
  }
  return found;
}

/** PEP 503 normalised name: `Foo_Bar.baz` → `foo-bar-baz`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** A wheel file name's parts (PEP 427), or undefined when it is not one. */
export function wheelTags(file: string) {
  const parts = file.replace(/\.whl$/i, "").split("-");
  if (!/\.whl$/i.test(file) || (parts.length !== 5 && parts.length !== 6)) return undefined;
  const [name, version] = parts;
  const [python, abi, platform] = parts.slice(-3);
  return { name: name!, version: version!, python: python!, abi: abi!, platform: platform! };
}

/** True for a wheel any CPython 3 on any platform (Pyodide included) can import. */
export function isPureWheel(tags: NonNullable<ReturnType<typeof wheelTags>>): boolean {
  return (
    tags.python.split(".").some((tag) => tag === "py3") && tags.abi === "none" && tags.platform === "any"
  );
}

/**
 * The vendored modules of an API's requirements.txt (under python_modules/), or none without
 * one. `label` names requirements.txt in errors. `fetched`: wheels an online build got from the
 * package index (python-index.ts), by file name, used where wheels/ has none.
 */
export function vendorRequirements(
  apiDir: string,
  label: string,
  fetched: ReadonlyMap<string, Uint8Array> = new Map(),
): BuiltModule[] {
  const text = readRequirementsText(apiDir, label);
  if (text === undefined) return [];
  const requirements = parseRequirements(text, label);
  const local = wheelFiles(apiDir);
  const wheels = [...local, ...[...fetched.keys()].filter((file) => !local.includes(file))];
  const modules = new Map<string, BuiltModule>();
  let total = 0;
  for (const requirement of requirements) {
    const where = `${label} line ${requirement.line}`;
    const file = chooseWheel(requirement, wheels, where);
    const read = local.includes(file)
      ? readCreatorFile(apiDir, `${WHEELS_DIR}/${file}`, VENDOR_LIMITS.maxWheelBytes)
      : { bytes: fetched.get(file)! };
    if ("problem" in read)
      throw new BuildError(
        `${WHEELS_DIR}/${file}`,
        read.problem,
        "keep only regular wheel files (≤ 5 MB) in wheels/",
      );
    for (const module of unpackWheel(read.bytes, local.includes(file) ? `${WHEELS_DIR}/${file}` : file)) {
      if (modules.has(module.name))
        throw new BuildError(
          where,
          `${module.name} is also in another vendored package`,
          "vendor only one of them",
        );
      total += Buffer.byteLength(module.content);
      if (total > VENDOR_LIMITS.maxTotalBytes)
        throw new BuildError(
          where,
          `the vendored packages are over ${VENDOR_LIMITS.maxTotalBytes / 1024 / 1024} MB`,
          "vendor fewer or smaller packages",
        );
      modules.set(module.name, module);
    }
  }
  return [...modules.values()];
}

/** The `.py` files of one wheel as modules under python_modules/ (metadata and data skipped). */
export function unpackWheel(bytes: Uint8Array, label: string): BuiltModule[] {
  const fail = (problem: string) =>
    new BuildError(
      label,
      problem,
      "use the package's pure-Python wheel as published (pip download --no-deps)",
    );
  let entries: ReturnType<typeof zipEntries>;
  try {
    entries = zipEntries(bytes, VENDOR_LIMITS.maxEntries);
  } catch (error) {
    throw fail(`the wheel ${(error as Error).message}`);
  }
  if (!entries.some((entry) => /^[^/]+\.dist-info\/WHEEL$/.test(entry.name)))
    throw fail("is not a wheel (no *.dist-info/WHEEL)");
  const modules: BuiltModule[] = [];
  for (const entry of entries) {
    const problem = entryProblem(entry.name);
    if (problem) throw fail(`entry "${entry.name}" ${problem}`);
    if (isSpecialEntry(entry)) throw fail(`entry "${entry.name}" is a symbolic link or special file`);
    if (entry.folder) continue;
    const top = entry.name.split("/")[0]!;
    if (top.endsWith(".dist-info")) continue;
    if (top.endsWith(".data")) throw fail(`installs files outside the package ("${entry.name}")`);
    if (/\.(so|pyd|dylib|dll)$/i.test(entry.name)) throw fail(`contains native code ("${entry.name}")`);
    if (!entry.name.endsWith(".py")) continue;
    let content: string;
    try {
      content = new TextDecoder("utf-8", { fatal: true }).decode(
        readZipEntry(bytes, entry, VENDOR_LIMITS.maxFileBytes),
      );
    } catch (error) {
      throw fail(
        `entry ${error instanceof TypeError ? `"${entry.name}" is not UTF-8 text` : (error as Error).message}`,
      );
    }
    modules.push({ name: `${VENDOR_DIR}/${entry.name}`, content });
  }
  return modules;
}

/** Why a zip entry's name cannot be a file in the bundle, or undefined. */
function entryProblem(name: string): string | undefined {
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.includes("\\"))
    return "is an absolute or Windows path";
  if (name.includes("\0")) return "has a NUL byte";
  const parts = name.replace(/\/$/, "").split("/");
  if (parts.some((part) => part === ".." || part === "." || part === "")) return "leaves the package folder";
  if (!parts.every((part) => SEGMENT.test(part))) return "has an unusual character in its path";
  return undefined;
}

function chooseWheel(requirement: Requirement, wheels: string[], where: string): string {
  const wanted = normalizeName(requirement.name);
  const candidates = wheels.filter((file) => {
    const tags = wheelTags(file);
    return (
      tags &&
      normalizeName(tags.name) === wanted &&
      (requirement.version === undefined || tags.version === requirement.version)
    );
  });
  const pure = candidates.filter((file) => isPureWheel(wheelTags(file)!));
  if (pure.length === 1) return pure[0]!;
  if (pure.length > 1)
    throw new BuildError(
      where,
      `${requirement.name}: several wheels match (${pure.join(", ")})`,
      `pin one version (${requirement.name}==<version>) or keep one wheel in wheels/`,
    );
  const pinned = requirement.version ? `${requirement.name}==${requirement.version}` : requirement.name;
  if (candidates.length > 0)
    throw new BuildError(
      where,
      `${pinned}: only platform-specific wheels (${candidates.join(", ")}); Python functions vendor pure-Python packages only (py3-none-any)`,
      "use a pure-Python package, or drop it and call an API that provides it",
    );
  throw new BuildError(
    where,
    `${pinned}: no pure-Python wheel for it in ${WHEELS_DIR}/`,
    `download it into the API folder: pip download --no-deps --only-binary=:all: --dest ${WHEELS_DIR} ${pinned} (builds are offline unless CLAW_PYTHON_INDEX names a package index; list each dependency on its own line)`,
  );
}

/** Wheel file names in the API's wheels/ folder (none when it is missing); links are not followed. */
export function wheelFiles(apiDir: string): string[] {
  const dir = join(apiDir, WHEELS_DIR);
  const stats = lstatOrUndefined(dir);
  if (!stats?.isDirectory()) return [];
  return readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith(".whl"))
    .sort();
}

/** The API's requirements.txt (≤ 64 KB, UTF-8, a regular file), or undefined without one. */
export function readRequirementsText(dir: string, label: string): string | undefined {
  const file = "requirements.txt";
  if (!lstatOrUndefined(join(dir, file))) return undefined;
  const read = readCreatorFile(dir, file, 64 * 1024);
  if ("problem" in read)
    throw new BuildError(label, read.problem, "keep requirements.txt a regular file under 64 KB");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
  } catch {
    throw new BuildError(label, "is not UTF-8 text", "save it as UTF-8");
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
