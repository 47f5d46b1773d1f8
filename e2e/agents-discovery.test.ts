import { Validator } from "@seriousme/openapi-schema-validator";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../local/stack.ts";
import { auditDiscovery } from "./support/discovery-audit.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";

// biome-ignore lint/suspicious/noExplicitAny: a test walks a JSON document whose shape it asserts.
type Json = any;

// What an agent or an indexer finds at the origin with no URL given to it beforehand.
let project: TempProject;
let stack: LocalStack;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["crasher"] });
  stack = await startTestStack(project);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

const slugs = () => stack.devFile.apis.map((api) => api.slug).sort();
const getJson = async (path: string) => {
  const response = await fetch(`${stack.url}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
};

describe("OpenAPI discovery", () => {
  it("serves a valid OpenAPI 3.1 document at /openapi.json and /.well-known/openapi.json", async () => {
    const document = await getJson("/openapi.json");
    expect(await getJson("/.well-known/openapi.json")).toEqual(document);
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(document.info).toMatchObject({
      title: expect.any(String),
      version: expect.any(String),
      contact: {},
    });
    expect(document["x-discovery"]).toEqual({ llmsTxtUrl: `${stack.url}/llms.txt` });
  });

  it("an x402scan-style audit discovers every API with no warnings", async () => {
    const audit = await auditDiscovery(stack.url);
    expect(audit.errors).toEqual([]);
    expect(audit.warnings).toEqual([]);
    for (const slug of slugs()) expect(audit.resources).toContain(`${stack.url}/${slug}`);
    expect(audit.resources).toContain(`${stack.url}/world-cities/schema`);
  });

  it("describes a data API's query from its columns and a function's from its manifest", async () => {
    const paths = (await getJson("/openapi.json")).paths as Record<string, Record<string, Json>>;
    const cities = paths["/world-cities"]!.get;
    expect(cities["x-payment-info"]).toEqual({ protocols: ["x402"], pricingMode: "fixed", price: "0.001" });
    const names = cities.parameters.map((parameter: { name: string }) => parameter.name);
    expect(names).toEqual(
      expect.arrayContaining(["filter_country", "filter_population__gte", "sort", "limit"]),
    );
    const rows = cities.responses["200"].content["application/json"].schema.properties.data.items.properties;
    expect(rows.population).toEqual({ type: ["number", "null"] });
    const fx = paths["/fx-convert"]!.get;
    expect(fx.parameters).toContainEqual(
      expect.objectContaining({ name: "from", in: "query", required: true }),
    );
    expect(fx.responses["200"].content["application/json"].schema.properties.converted).toEqual({
      type: "number",
    });
    expect(paths["/"]!.get.security).toEqual([]);
  });
});

describe("/.well-known/x402, llms.txt, favicon", () => {
  it("lists every API's URL in /.well-known/x402", async () => {
    const response = await fetch(`${stack.url}/.well-known/x402`);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const document = (await response.json()) as { version: number; resources: string[] };
    expect(document.version).toBe(1);
    for (const slug of slugs()) expect(document.resources).toContain(`${stack.url}/${slug}`);
  });

  it("lists every API in llms.txt with its price and an example call", async () => {
    const response = await fetch(`${stack.url}/llms.txt`);
    expect(response.headers.get("content-type")).toContain("text/markdown");
    const text = await response.text();
    for (const api of stack.devFile.apis) {
      const line = text.split("\n").find((candidate) => candidate.includes(`(${stack.url}/${api.slug})`));
      expect(line, api.slug).toContain(`${api.price} per call`);
      expect(line).toContain(`Example: \`GET ${stack.url}/${api.slug}`);
    }
    expect(text).toContain("PAYMENT-SIGNATURE");
  });

  it("serves a favicon as an icon and as SVG", async () => {
    const ico = await fetch(`${stack.url}/favicon.ico`);
    expect(ico.headers.get("content-type")).toBe("image/x-icon");
    const bytes = new Uint8Array(await ico.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]);
    const svg = await fetch(`${stack.url}/favicon.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
  });
});

describe("a function's 402 carries its input schema", () => {
  it("declares fx-convert's manifest input in the Bazaar block", async () => {
    const response = await fetch(`${stack.url}/fx-convert`);
    expect(response.status).toBe(402);
    const required = decodePaymentRequiredHeader(response.headers.get("payment-required")!);
    const bazaar = required.extensions?.bazaar as {
      info: { input: { method: string } };
      schema: { properties: { input: { properties: { queryParams: { required: string[] } } } } };
    };
    expect(bazaar.info.input.method).toBe("GET");
    expect(bazaar.schema.properties.input.properties.queryParams.required).toEqual(["from", "to"]);
  });
});

describe("catalog search", () => {
  it("filters the JSON catalog by words, tag, kind and price", async () => {
    const found = async (query: string) =>
      ((await getJson(`/?format=json&${query}`)).apis as Array<{ slug: string }>).map((api) => api.slug);
    expect(await found("q=cities")).toEqual(["world-cities"]);
    expect(await found("tag=reference")).toEqual(["chemical-elements", "world-cities"]);
    // Functions at most $0.001: the crasher fixture and the Python example (fx-convert costs $0.002).
    expect(await found("kind=function&maxPrice=$0.001")).toEqual(["crasher", "text-stats"]);
    const bad = await fetch(`${stack.url}/?format=json&kind=python`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_search", parameter: "kind" } });
  });
});
