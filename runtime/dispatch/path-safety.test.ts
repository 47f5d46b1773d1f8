import { describe, expect, it } from "vitest";
import { MAX_PATH_LENGTH, type PathRejectionCode, splitApiPath } from "./path-safety.ts";

const H = "https://402claw.example";

type Good = { slug: string; rest: string; search: string };

// Raw URLs that must be routed, with exactly what the creator's worker will see.
const GOOD: ReadonlyArray<readonly [string, Good]> = [
  [`${H}/`, { slug: "", rest: "/", search: "" }],
  [`${H}`, { slug: "", rest: "/", search: "" }],
  [`${H}?x=1`, { slug: "", rest: "/", search: "?x=1" }],
  [`${H}/fx-rates`, { slug: "fx-rates", rest: "/", search: "" }],
  [`${H}/fx-rates/`, { slug: "fx-rates", rest: "/", search: "" }],
  [`${H}/fx-rates/latest`, { slug: "fx-rates", rest: "/latest", search: "" }],
  [`${H}/fx-rates/latest/`, { slug: "fx-rates", rest: "/latest/", search: "" }],
  [`${H}/fx-rates/a/b/c?from=USD&to=EUR`, { slug: "fx-rates", rest: "/a/b/c", search: "?from=USD&to=EUR" }],
  [`${H}/fx-rates/latest?`, { slug: "fx-rates", rest: "/latest", search: "?" }],
  [`${H}/fx-rates/latest#frag`, { slug: "fx-rates", rest: "/latest", search: "" }],
  [`${H}/fx-rates/latest?q=1#frag`, { slug: "fx-rates", rest: "/latest", search: "?q=1" }],
  [`${H}/Fx-Rates/x`, { slug: "Fx-Rates", rest: "/x", search: "" }],
  [`${H}/%66x-rates/x`, { slug: "fx-rates", rest: "/x", search: "" }],
  [`${H}/books/caf%C3%A9`, { slug: "books", rest: "/caf%C3%A9", search: "" }],
  [`${H}/books/a%20b`, { slug: "books", rest: "/a%20b", search: "" }],
  [`${H}/books/100%25`, { slug: "books", rest: "/100%25", search: "" }],
  [`${H}/books/a%3Fb`, { slug: "books", rest: "/a%3Fb", search: "" }],
  [`${H}/books/...`, { slug: "books", rest: "/...", search: "" }],
  [`${H}/books/.well`, { slug: "books", rest: "/.well", search: "" }],
  [`${H}/books/a..b`, { slug: "books", rest: "/a..b", search: "" }],
  [`${H}/books/a;b=c`, { slug: "books", rest: "/a;b=c", search: "" }],
  [`${H}/books/x?path=../../etc%2fpasswd`, { slug: "books", rest: "/x", search: "?path=../../etc%2fpasswd" }],
  [`${H}:8443/books/x`, { slug: "books", rest: "/x", search: "" }],
  ["http://user@host/books/x", { slug: "books", rest: "/x", search: "" }],
  ["/books/x?y=1", { slug: "books", rest: "/x", search: "?y=1" }],
  ["/", { slug: "", rest: "/", search: "" }],
];

// Raw URLs that must be refused, with the reason code.
const BAD: ReadonlyArray<readonly [string, PathRejectionCode]> = [
  [`${H}/books/%zz`, "malformed_percent_encoding"],
  [`${H}/books/%4`, "malformed_percent_encoding"],
  [`${H}/books/abc%`, "malformed_percent_encoding"],
  [`${H}/books/%4g`, "malformed_percent_encoding"],
  [`${H}/books/%ff`, "malformed_percent_encoding"],
  [`${H}/books/%c0%ae%c0%ae/admin`, "malformed_percent_encoding"],
  [`${H}/books%2fadmin`, "encoded_slash"],
  [`${H}/books/a%2Fb`, "encoded_slash"],
  [`${H}/books/a%5cb`, "encoded_slash"],
  [`${H}/books/a%5Cb`, "encoded_slash"],
  [`${H}/books/..`, "dot_segment"],
  [`${H}/books/../other-api/x`, "dot_segment"],
  [`${H}/../books/x`, "dot_segment"],
  [`${H}/books/./x`, "dot_segment"],
  [`${H}/books/.`, "dot_segment"],
  [`${H}/books/%2e%2e/other`, "dot_segment"],
  [`${H}/books/%2E%2E/other`, "dot_segment"],
  [`${H}/books/.%2e/other`, "dot_segment"],
  [`${H}/books/%2E./other`, "dot_segment"],
  [`${H}/books/%2e/x`, "dot_segment"],
  [`${H}/%2e%2e/x`, "dot_segment"],
  [`${H}/books/..;/admin`, "dot_segment"],
  [`${H}/books/%2e%2e;x=1/admin`, "dot_segment"],
  [`${H}//books/x`, "empty_segment"],
  [`${H}/books//x`, "empty_segment"],
  [`${H}/books/x//`, "empty_segment"],
  ["//books/x", "empty_segment"],
  [`${H}/books\\..\\admin`, "backslash_in_path"],
  [`${H}/books\\x`, "backslash_in_path"],
  [`${H}\\books/x`, "backslash_in_path"],
  [`${H}/books/a%00b`, "encoded_control_character"],
  [`${H}/books/a%0ab`, "encoded_control_character"],
  [`${H}/books/a%0D%0AX-Injected:1`, "encoded_control_character"],
  [`${H}/books/a%7f`, "encoded_control_character"],
  [`${H}/books/a\u0000b`, "invalid_character"],
  [`${H}/books/a\nb`, "invalid_character"],
  [`${H}/books/a b`, "invalid_character"],
  [`${H}/books/x?q=a\r\nb`, "invalid_character"],
  [`${H}/books/%252e%252e/admin`, "double_encoding"],
  [`${H}/books/a%252fb`, "double_encoding"],
  [`${H}/books/a%2500`, "double_encoding"],
  [`${H}/${"a".repeat(MAX_PATH_LENGTH)}`, "path_too_long"],
  ["books/x", "bad_url"],
  ["*", "bad_url"],
  ["", "bad_url"],
];

describe("splitApiPath corpus", () => {
  it("has at least 40 raw URLs", () => {
    expect(GOOD.length + BAD.length).toBeGreaterThanOrEqual(40);
  });

  it.each(GOOD)("routes %j", (url, expected) => {
    expect(splitApiPath(url)).toEqual({ ok: true, ...expected });
  });

  it.each(BAD)("refuses %j as %s", (url, code) => {
    const result = splitApiPath(url);
    expect(result).toMatchObject({ ok: false, status: 400, code });
    expect(result.ok ? "" : result.reason).toMatch(/\.$/);
  });
});

describe("splitApiPath details", () => {
  it("accepts a path of exactly the limit", () => {
    const path = `/${"a".repeat(MAX_PATH_LENGTH - 1)}`;
    expect(splitApiPath(`${H}${path}`)).toMatchObject({ ok: true, slug: "a".repeat(MAX_PATH_LENGTH - 1) });
  });

  it("refuses what new URL() would silently repair", () => {
    // The WHATWG parser resolves these to /admin and /other/x; we must see them raw.
    expect(new URL(`${H}/books/../admin`).pathname).toBe("/admin");
    expect(splitApiPath(`${H}/books/../admin`).ok).toBe(false);
    expect(new URL(`${H}/books\\..\\other\\x`).pathname).toBe("/other/x");
    expect(splitApiPath(`${H}/books\\..\\other\\x`).ok).toBe(false);
  });

  it("names the malformed escape in the reason", () => {
    const result = splitApiPath(`${H}/books/%zz`);
    expect(result.ok ? "" : result.reason).toContain('"%zz"');
  });
});
