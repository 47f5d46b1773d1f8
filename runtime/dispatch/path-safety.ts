// Path safety for the dispatch worker. A request for /<slug>/<rest> is paid for and routed by
// its slug, then forwarded to that creator's worker; a path that a parser downstream could
// read differently (dot segments, encoded slashes, backslashes, double encoding) could reach a
// creator as another path or another API, unpaid. So strange paths are refused, not repaired.
//
// We read the RAW request URL on purpose: `new URL().pathname` has already resolved `..` and
// turned `\` into `/`, hiding exactly what we want to refuse.

/** Longest raw path we accept; real API paths are far shorter, and parsers downstream vary. */
export const MAX_PATH_LENGTH = 2048;

/** Machine-readable reasons a path is refused. */
export type PathRejectionCode =
  | "bad_url"
  | "path_too_long"
  | "invalid_character"
  | "backslash_in_path"
  | "malformed_percent_encoding"
  | "encoded_slash"
  | "encoded_control_character"
  | "dot_segment"
  | "empty_segment"
  | "double_encoding";

/** A refused path: the dispatch worker answers 400 with `code` and `reason`. */
export interface PathRejection {
  ok: false;
  status: 400;
  code: PathRejectionCode;
  reason: string;
}

/** A safe path: `slug` decoded, `rest` raw from its leading `/`, `search` raw (`?...` or ""). */
export interface ApiPath {
  ok: true;
  slug: string;
  rest: string;
  search: string;
}

/** Whether text holds a C0 control character or DEL (and, if asked, a space). */
function hasControlCharacter(text: string, spaceToo: boolean): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || (spaceToo && code === 0x20)) return true;
  }
  return false;
}

function reject(code: PathRejectionCode, reason: string): PathRejection {
  return { ok: false, status: 400, code, reason };
}

/** Cut a raw URL (absolute or origin-form) into its raw path and raw query, ignoring any fragment. */
function rawPathAndSearch(rawUrl: string): { path: string; search: string } | undefined {
  let start: number;
  if (rawUrl.startsWith("/")) {
    start = 0;
  } else {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(rawUrl);
    if (!scheme) return undefined;
    // The authority ends at the first of these; a backslash here is then refused as part of the path.
    const end = rawUrl.slice(scheme[0].length).search(/[/?#\\]/);
    start = end === -1 ? rawUrl.length : scheme[0].length + end;
  }
  const hash = rawUrl.indexOf("#", start);
  const target = rawUrl.slice(start, hash === -1 ? undefined : hash);
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  const search = query === -1 ? "" : target.slice(query);
  return { path: path === "" ? "/" : path, search };
}

/** Check one non-empty raw segment; returns its decoded text or a rejection. */
function checkSegment(segment: string): string | PathRejection {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Also catches overlong UTF-8 such as %c0%ae, a classic disguise for "."
    return reject(
      "malformed_percent_encoding",
      `The path segment "${segment}" does not decode to valid UTF-8.`,
    );
  }
  if (/[/\\]/.test(decoded)) {
    return reject("encoded_slash", `The path segment "${segment}" hides a slash or backslash (%2F or %5C).`);
  }
  if (hasControlCharacter(decoded, false)) {
    return reject("encoded_control_character", `The path segment "${segment}" encodes a control character.`);
  }
  // ";" starts a path parameter in some servers (Tomcat reads "..;" as ".."), so judge the part before it.
  const bare = decoded.split(";")[0];
  if (bare === "." || bare === "..") {
    return reject(
      "dot_segment",
      `The path contains a "${bare}" segment ("${segment}"); paths must not climb.`,
    );
  }
  // A second decoding downstream must not reveal a dot, slash or control character either.
  if (/%(2e|2f|5c|25|0[0-9a-f]|1[0-9a-f]|7f)/i.test(decoded)) {
    return reject("double_encoding", `The path segment "${segment}" is percent-encoded twice.`);
  }
  return decoded;
}

/**
 * Split a raw request URL into the API slug, the remaining path and the query, refusing any
 * path that could be read two ways (see the module comment).
 */
export function splitApiPath(rawUrl: string): ApiPath | PathRejection {
  const parts = rawPathAndSearch(rawUrl);
  if (!parts) return reject("bad_url", "The request URL is neither absolute nor a path starting with '/'.");
  const { path, search } = parts;
  if (path.length > MAX_PATH_LENGTH) {
    return reject(
      "path_too_long",
      `The path is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}.`,
    );
  }
  if (hasControlCharacter(path + search, true)) {
    return reject(
      "invalid_character",
      "The URL contains a raw space or control character; percent-encode it.",
    );
  }
  if (path.includes("\\")) {
    return reject("backslash_in_path", "The path contains a backslash; use '/' to separate segments.");
  }
  const badEscape = /%(?![0-9a-f]{2})/i.exec(path);
  if (badEscape) {
    const sample = path.slice(badEscape.index, badEscape.index + 3);
    return reject(
      "malformed_percent_encoding",
      `The path has a malformed percent-escape "${sample}"; use %XX with two hex digits.`,
    );
  }

  const segments = path.slice(1).split("/");
  let slug = "";
  for (const [index, segment] of segments.entries()) {
    if (segment === "") {
      // Only the last segment may be empty: that is "/" itself or a trailing slash.
      if (index === segments.length - 1) continue;
      return reject("empty_segment", "The path contains an empty segment ('//').");
    }
    const decoded = checkSegment(segment);
    if (typeof decoded !== "string") return decoded;
    if (index === 0) slug = decoded;
  }
  return { ok: true, slug, rest: `/${segments.slice(1).join("/")}`, search };
}
