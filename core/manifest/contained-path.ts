import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";

/**
 * Why a creator file may not be read, or undefined when it may. Creator folders come from pull
 * requests: a symlink (to the file or any folder on the way) could publish the CI runner's files,
 * so none is followed, and the file must end up inside the API folder and be a regular file.
 */
export function containmentProblem(dir: string, relativePath: string): string | undefined {
  if (isAbsolute(relativePath) || /^[a-zA-Z]:/.test(relativePath)) return "is an absolute path";
  const parts = relativePath.split(/[\\/]/).filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) return 'leaves the API folder ("..")';
  if (lstatOrUndefined(dir)?.isSymbolicLink()) return "is in an API folder that is a symbolic link";
  let path = dir;
  for (const [index, part] of parts.entries()) {
    path = join(path, part);
    const stats = lstatOrUndefined(path);
    if (!stats) return undefined; // missing: the caller reports it as missing
    const last = index === parts.length - 1;
    if (stats.isSymbolicLink()) {
      return last
        ? "is a symbolic link, which is never followed"
        : `passes through "${parts.slice(0, index + 1).join("/")}", a symbolic link, which is never followed`;
    }
    if (last && !stats.isFile()) return "is not a regular file";
  }
  const inside = relative(realpathSync(dir), realpathSync(path));
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside))
    return "resolves outside the API folder";
  return undefined;
}

/** True when `path` is a file or folder inside `dir` (both already resolved), or `dir` itself. */
export function isInside(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * Reads a creator file after `containmentProblem` found none, without following a symlink swapped
 * in since (O_NOFOLLOW) and without blocking on a FIFO (O_NONBLOCK); refuses it over `maxBytes`
 * before reading a byte. Returns the problem as a string rather than throwing, for the caller's error type.
 */
export function readCreatorFile(
  dir: string,
  relativePath: string,
  maxBytes: number,
): { bytes: Uint8Array } | { problem: string } {
  const problem = containmentProblem(dir, relativePath);
  if (problem) return { problem };
  let fd: number;
  try {
    fd = openSync(join(dir, relativePath), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      problem: code === "ELOOP" ? "is a symbolic link, which is never followed" : `cannot be read (${code})`,
    };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { problem: "is not a regular file" };
    if (stats.size > maxBytes) return { problem: `is ${stats.size} bytes, over the ${maxBytes}-byte limit` };
    const bytes = new Uint8Array(stats.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read) };
  } finally {
    closeSync(fd);
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
