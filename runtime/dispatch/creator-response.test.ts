import { describe, expect, it } from "vitest";
import { HOSTILE_CASES } from "../../e2e/fixtures/apis/hostile/cases.ts";
import { originLeaks } from "../../e2e/support/origin-leaks.ts";
import {
  creatorMaySet,
  DROPPED_HEADERS,
  forThePayerOnly,
  sanitizeCreatorResponse,
  withCreatorGuards,
} from "./creator-response.ts";

const context = {
  slug: "hostile",
  publicOrigin: "https://market.example",
  creatorUrl: "https://market.example/page?x=1",
};

function creatorResponse(hostile: (typeof HOSTILE_CASES)[number]): Response {
  const headers = new Headers();
  for (const [name, value] of hostile.headers) headers.append(name, value);
  const body = hostile.body === undefined ? null : new TextEncoder().encode(hostile.body);
  return new Response(body, { status: hostile.status ?? 200, headers });
}

describe("a hostile creator response", () => {
  it("has a corpus of at least 12 cases", () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(12);
  });

  it.each(HOSTILE_CASES.map((hostile) => [hostile.name, hostile] as const))(
    "%s: passes no origin-affecting header",
    async (_name, hostile) => {
      const sanitised = sanitizeCreatorResponse(creatorResponse(hostile), context);
      expect(originLeaks(hostile, sanitised)).toEqual([]);
      expect(sanitised.status).toBe(hostile.status ?? 200);
      expect(await sanitised.text()).toBe(hostile.body ?? "");
    },
  );

  it("leaks 0 origin-affecting headers over the whole corpus (and the checker does see leaks)", () => {
    let leaks = 0;
    let unsanitisedLeaks = 0;
    for (const hostile of HOSTILE_CASES) {
      leaks += originLeaks(hostile, sanitizeCreatorResponse(creatorResponse(hostile), context)).length;
      unsanitisedLeaks += originLeaks(hostile, creatorResponse(hostile)).length;
    }
    expect(leaks).toBe(0);
    // The same corpus served as-is (the gateway before this fix) leaks in every case.
    expect(unsanitisedLeaks).toBeGreaterThanOrEqual(HOSTILE_CASES.length);
  });
});

describe("what a creator may set", () => {
  it("lets no shared cache store a paid answer: public and s-maxage are dropped, private is set", () => {
    expect(forThePayerOnly("public, max-age=60, s-maxage=600")).toBe("max-age=60, private");
    expect(forThePayerOnly("Public,S-MaxAge = 10,proxy-revalidate, no-transform")).toBe(
      "no-transform, private",
    );
    expect(forThePayerOnly("private, max-age=5")).toBe("max-age=5, private");
    expect(forThePayerOnly("no-store")).toBe("no-store, private");
    const response = new Response("{}", {
      headers: { "content-type": "application/json", "cache-control": "public, s-maxage=3600" },
    });
    expect(sanitizeCreatorResponse(response, context).headers.get("cache-control")).toBe("private");
  });

  it("keeps representation headers and custom x- headers", () => {
    const kept = HOSTILE_CASES.find((hostile) => hostile.name === "allowed-headers")!;
    const sanitised = sanitizeCreatorResponse(creatorResponse(kept), context);
    expect(sanitised.headers.get("content-type")).toBe("application/json");
    expect(sanitised.headers.get("cache-control")).toBe("max-age=60, private");
    expect(sanitised.headers.get("etag")).toBe('"v1"');
    expect(sanitised.headers.get("x-creator-note")).toBe("kept");
    expect(sanitised.headers.get("content-disposition")).toContain("rows.json");
  });

  it("never allows a header it documents as dropped", () => {
    for (const name of Object.keys(DROPPED_HEADERS)) {
      if (name === "location" || name === "content-location") continue;
      expect(creatorMaySet(name.replace("*", "api")), name).toBe(false);
    }
  });

  it("declares an opaque type for an untyped body, so a browser never sniffs it into HTML", () => {
    const sanitised = sanitizeCreatorResponse(new Response(new TextEncoder().encode("<script>")), context);
    expect(sanitised.headers.get("content-type")).toBe("application/octet-stream");
    expect(sanitised.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("maps API-relative locations under /<slug> and keeps ones that already name the API", () => {
    const at = (location: string) =>
      sanitizeCreatorResponse(new Response(null, { status: 302, headers: { location } }), {
        ...context,
        creatorUrl: "http://127.0.0.1:9999/a/b",
      }).headers.get("location");
    expect(at("c")).toBe("/hostile/a/c");
    expect(at("/")).toBe("/hostile/");
    expect(at("http://127.0.0.1:9999/x#top")).toBe("/hostile/x#top");
    expect(at("https://market.example/hostile/y")).toBe("/hostile/y");
    expect(at("https://market.example/other-api")).toBe("/hostile/other-api");
    expect(at("http://[::1]/")).toBeNull();
    expect(at("javascript:alert(1)")).toBeNull();
  });

  it("guards an error the platform made for the creator too", () => {
    const guarded = withCreatorGuards(Response.json({ error: { code: "creator_error" } }, { status: 502 }));
    expect(guarded.headers.get("content-security-policy")).toBe("sandbox");
    expect(guarded.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
