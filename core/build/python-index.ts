import { createHash } from "node:crypto";
import { BuildError } from "../errors.ts";
import {
  isPureWheel,
  normalizeName,
  parseRequirements,
  type Requirement,
  readRequirementsText,
  VENDOR_LIMITS,
  wheelFiles,
  wheelTags,
} from "./python-requirements.ts";

/**
 * Online builds only: wheels a requirements.txt names that the API's wheels/ folder lacks, from a
 * package index's JSON API (PyPI's: `<index>/<name>/<version>/json`). Off unless
 * CLAW_PYTHON_INDEX names the index (e.g. https://pypi.org/pypi), so builds stay offline and
 * reproducible by default. Each wheel is pure-Python, within the size cap, and must match the
 * index's sha256; it is kept in memory for this build only (commit it to wheels/ to pin it).
 */

/** The environment variable naming the index (unset: wheels/ is the only source). */
export const PYTHON_INDEX_ENV = "CLAW_PYTHON_INDEX";
const FETCH_TIMEOUT_MS = 20_000;

interface IndexFile {
  filename: string;
  url: string;
  size?: number;
  packagetype?: string;
  digests?: { sha256?: string };
}

/** Wheels fetched for the requirements wheels/ lacks, by file name (empty when the index is off). */
export async function fetchIndexWheels(
  apiDir: string,
  label: string,
  index: string | undefined = process.env[PYTHON_INDEX_ENV],
): Promise<Map<string, Uint8Array>> {
  const fetched = new Map<string, Uint8Array>();
  if (!index) return fetched;
  const text = readRequirementsText(apiDir, label);
  if (text === undefined) return fetched;
  const local = wheelFiles(apiDir);
  for (const requirement of parseRequirements(text, label)) {
    if (local.some((file) => matches(file, requirement))) continue;
    const where = `${label} line ${requirement.line}`;
    const file = await chooseIndexFile(index, requirement, where);
    fetched.set(file.filename, await download(file, where));
  }
  return fetched;
}

function matches(file: string, requirement: Requirement): boolean {
  const tags = wheelTags(file);
  return Boolean(
    tags &&
      isPureWheel(tags) &&
      normalizeName(tags.name) === normalizeName(requirement.name) &&
      (requirement.version === undefined || tags.version === requirement.version),
  );
}

async function chooseIndexFile(index: string, requirement: Requirement, where: string): Promise<IndexFile> {
  const name = encodeURIComponent(normalizeName(requirement.name));
  const path = requirement.version
    ? `${name}/${encodeURIComponent(requirement.version)}/json`
    : `${name}/json`;
  const url = `${index.replace(/\/+$/, "")}/${path}`;
  let answer: Response;
  try {
    answer = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "error" });
  } catch (error) {
    throw new BuildError(
      where,
      `${requirement.name}: the package index is unreachable (${String(error)})`,
      "put the wheel in wheels/ (offline builds) or retry online",
    );
  }
  if (answer.status === 404)
    throw new BuildError(
      where,
      `${requirement.name}${requirement.version ? `==${requirement.version}` : ""}: not on the package index`,
      "check the name and version",
    );
  if (!answer.ok)
    throw new BuildError(
      where,
      `${requirement.name}: the package index answered ${answer.status}`,
      "retry, or put the wheel in wheels/",
    );
  const body = (await answer.json().catch(() => ({}))) as { urls?: IndexFile[] };
  const wheels = (body.urls ?? []).filter(
    (file) => typeof file?.filename === "string" && typeof file.url === "string",
  );
  const pure = wheels.filter((file) => {
    const tags = wheelTags(file.filename);
    return tags && isPureWheel(tags);
  });
  if (pure.length === 0)
    throw new BuildError(
      where,
      `${requirement.name}: the index has no pure-Python wheel (py3-none-any)${wheels.length ? ` (only ${wheels.map((file) => file.filename).join(", ")})` : ""}`,
      "use a pure-Python package, or drop it",
    );
  return pure[0]!;
}

async function download(file: IndexFile, where: string): Promise<Uint8Array> {
  const cap = VENDOR_LIMITS.maxWheelBytes;
  if ((file.size ?? 0) > cap)
    throw new BuildError(
      where,
      `${file.filename} is ${file.size} bytes, over ${cap}`,
      "vendor a smaller package",
    );
  if (!/^https?:\/\//.test(file.url))
    throw new BuildError(
      where,
      `${file.filename}: the index gave no http(s) URL`,
      "put the wheel in wheels/",
    );
  const expected = file.digests?.sha256;
  if (!expected)
    throw new BuildError(where, `${file.filename}: the index gave no sha256`, "put the wheel in wheels/");
  const answer = await fetch(file.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(
    (error: unknown) => {
      throw new BuildError(
        where,
        `${file.filename} could not be downloaded (${String(error)})`,
        "retry, or put the wheel in wheels/",
      );
    },
  );
  if (!answer.ok || !answer.body)
    throw new BuildError(
      where,
      `${file.filename} could not be downloaded (${answer.status})`,
      "retry, or put the wheel in wheels/",
    );
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = answer.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel();
      throw new BuildError(where, `${file.filename} is over ${cap} bytes`, "vendor a smaller package");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(Buffer.concat(chunks));
  if (createHash("sha256").update(bytes).digest("hex") !== expected.toLowerCase())
    throw new BuildError(
      where,
      `${file.filename} does not match the index's sha256`,
      "retry; if it persists, do not use this index",
    );
  return bytes;
}
