import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPayerFetch } from "../e2e/support/pay.ts";
import { rawGet, rawRequest } from "../e2e/support/raw-http.ts";
import { makeTempProject, type TempProject } from "../e2e/support/temp-project.ts";
import { startTestStack } from "../e2e/support/test-stack.ts";
import type { LocalStack } from "./stack.ts";

// Dispatch + outbound + namespace stand-in + both templates, in real workerd.
let project: TempProject;
let stack: LocalStack;
let paying: typeof fetch;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["echo-fetch", "crasher", "sleeper", "limited"] });
  stack = await startTestStack(project, { creatorTimeoutMs: 1_500, egressPerMinute: 5 });
  paying = demoPayerFetch(stack.devFile);
});

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

// Catalog and health are free; every API call pays through the official x402 client.
const get = (path: string, init?: RequestInit) => fetch(`${stack.url}${path}`, init);
const paid = (path: string, init?: RequestInit) => paying(`${stack.url}${path}`, init);

describe("catalog and health", () => {
  it("lists every API as JSON with price and an example request", async () => {
    const response = await get("/", { headers: { accept: "application/json" } });
    expect(response.status).toBe(200);
    const { apis } = (await response.json()) as { apis: Array<Record<string, string>> };
    expect(apis.map((api) => api.slug).sort()).toEqual(
      [
        "chemical-elements",
        "crasher",
        "echo-fetch",
        "fx-convert",
        "limited",
        "sleeper",
        "text-stats",
        "world-cities",
      ].sort(),
    );
    const cities = apis.find((api) => api.slug === "world-cities")!;
    expect(cities).toMatchObject({ kind: "data", price: "$0.001", title: "World Cities" });
    expect(cities.exampleRequest).toBe(
      `GET ${stack.url}/world-cities?filter_country=Japan&sort=population&order=desc&limit=3`,
    );
  });

  it("serves an HTML page to browsers", async () => {
    const response = await get("/", { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toContain("World Cities");
    expect(page).toContain("$0.002 / call");
  });

  it("answers /health", async () => {
    expect(await (await get("/health")).json()).toMatchObject({ ok: true, environment: "local" });
  });
});

describe("data APIs", () => {
  it("filters, sorts, pages and selects fields on the CSV API", async () => {
    const response = await paid(
      "/world-cities?filter_country=Japan&sort=population&order=desc&limit=2&fields=name,population",
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: [
        { name: "Tokyo", population: 13960000 },
        { name: "Yokohama", population: 3777000 },
      ],
      pagination: { page: 1, limit: 2, total: 3 },
    });
  });

  it("returns quoted commas, doubled quotes and unicode exactly", async () => {
    const body = (await (
      await paid("/world-cities?filter_name=S%C3%A3o%20Paulo&fields=name,note,capital")
    ).json()) as {
      data: unknown[];
    };
    expect(body.data).toEqual([
      { name: "São Paulo", note: 'Largest city in the "Southern Hemisphere"', capital: false },
    ]);
  });

  it("applies operators with column types on the JSON API", async () => {
    const body = (await (
      await paid(
        "/chemical-elements?filter_atomic_mass__gt=30&filter_category__in=halogen,noble%20gas&sort=atomic_number&fields=symbol",
      )
    ).json()) as { data: unknown[]; pagination: { total: number } };
    expect(body.data).toEqual([{ symbol: "Cl" }, { symbol: "Ar" }, { symbol: "Br" }, { symbol: "Kr" }]);
    expect(body.pagination.total).toBe(4);
  });

  it("rejects a bad query with a 400 naming the field", async () => {
    const response = await paid("/world-cities?filter_altitude=3");
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain("altitude");
  });
});

describe("function APIs and the outbound worker", () => {
  it("reaches the allowed host through the outbound worker", async () => {
    const response = await paid("/fx-convert?from=USD&to=EUR&amount=100");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      from: "USD",
      to: "EUR",
      amount: 100,
      rate: 0.9215,
      converted: 92.15,
    });
  });

  it.each([
    ["http://127.0.0.1:8787/health", "internal_destination"],
    ["http://169.254.169.254/latest/meta-data/", "internal_destination"],
    ["http://0x7f000001/", "internal_destination"],
    ["https://example.com/", "host_not_allowed"],
  ])("denies creator fetch of %s", async (target, code) => {
    const response = await paid(`/echo-fetch?url=${encodeURIComponent(target)}`);
    const body = (await response.json()) as { status: number; egress: string; body: string };
    expect(body.status).toBe(403);
    expect(body.egress).toBe("denied");
    expect(body.body).toContain(code);
  });
});

describe("gateway failures", () => {
  it("turns a creator crash into a 502 naming the API without internals", async () => {
    const response = await paid("/crasher");
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toContain("crasher");
    expect(text).not.toContain("hunter2");
  });

  it("turns a creator timeout into a 502", async () => {
    const response = await paid("/sleeper");
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: "creator_timeout", api: "sleeper" } });
  });

  it("holds an API to its ratePerMinute with a 429 that charges nothing", async () => {
    expect((await paid("/limited")).status).toBe(200);
    expect((await paid("/limited")).status).toBe(200);
    const refused = await paid("/limited");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(refused.headers.get("payment-response")).toBeNull();
    expect(await refused.json()).toMatchObject({ error: { code: "api_rate_limited", api: "limited" } });
  });

  it("answers 404 naming an unknown API", async () => {
    const response = await get("/no-such-api/x");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "api_not_found", api: "no-such-api" } });
  });

  it("refuses an oversized body with 413", async () => {
    // The request only declares its body: the gateway answers from Content-Length before any
    // byte of it, and no client write races that answer (a full upload may meet ECONNRESET).
    const { status, body } = await rawRequest(stack.url, "POST /fx-convert", [
      `Content-Length: ${1024 * 1024 + 1}`,
      "Content-Type: text/plain",
    ]);
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "body_too_large" } });
  });

  it("charges a literal ../ path as its canonical API, never as the first segment's", async () => {
    // The runtime resolves a raw `..` before the worker sees it: the call is fx-convert's, at fx-convert's price.
    const { status, headers } = await rawGet(stack.url, "/world-cities/../fx-convert");
    expect(status).toBe(402);
    const encoded = /\r\npayment-required: *([^\r\n]+)/i.exec(headers)?.[1] ?? "";
    const required = JSON.parse(atob(encoded)) as {
      resource: { url: string };
      accepts: Array<{ amount: string }>;
    };
    expect(required.resource.url).toBe(`${stack.url}/fx-convert`);
    expect(required.accepts.map((offer) => offer.amount)).toEqual(["2000", "2000"]);
  });

  it.each([
    "/world-cities/%2e%2e/fx-convert",
    "//world-cities",
    "/world-cities%2f..%2ffx-convert",
    "/world-cities/%zz",
    "/world-cities\\..\\fx-convert",
  ])("rejects the unsafe path %s with 400", async (target) => {
    const { status } = await rawGet(stack.url, target);
    expect(status).toBe(400);
  });
});
