import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../local/paths.ts";
import { loadApiFolder, loadStackApis } from "./load.ts";

const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const GOOD = {
  slug: "my-api",
  title: "My API",
  description: "Rows of things.",
  owner: OWNER,
  price: '"$0.001"',
  kind: "data",
  source: "data.csv",
};

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes one API folder with the given manifest fields (YAML values as written) and returns its result. */
function load(
  fields: Record<string, string | undefined>,
  folder = "my-api",
  files: Record<string, string> = { "data.csv": "a\n1\n" },
) {
  root = mkdtempSync(join(tmpdir(), "manifest-"));
  const dir = join(root, "stacks", "dev", "apis", folder);
  mkdirSync(dir, { recursive: true });
  const yaml = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${value}`)
    .join("\n");
  writeFileSync(join(dir, "api.yaml"), yaml);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return loadApiFolder(root, dir);
}

function messages(result: ReturnType<typeof load>): string[] {
  if (!Array.isArray(result)) throw new Error("expected errors, got a valid manifest");
  return result.map((error) => error.message);
}

describe("manifest schema: good manifests", () => {
  it("accepts a data API and applies defaults", () => {
    const result = load(GOOD);
    if (Array.isArray(result)) throw new Error(result.map((e) => e.message).join("\n"));
    expect(result.manifest).toMatchObject({ slug: "my-api", price: "$0.001", kind: "data", settle: "after" });
  });

  it("accepts a function API with egress, limits, tags and settle: before", () => {
    const result = load(
      {
        ...GOOD,
        kind: "function",
        source: "handler.ts",
        egress: "[api.example.com, '*.example.org']",
        limits: "{ cpuMs: 50, ratePerMinute: 100 }",
        tags: "[finance, fx]",
        settle: "before",
      },
      "my-api",
      { "handler.ts": "export default () => 1;" },
    );
    expect(Array.isArray(result)).toBe(false);
  });

  it("loads every example API of the dev stack without errors", () => {
    root = mkdtempSync(join(tmpdir(), "manifest-"));
    const { apis, errors } = loadStackApis(REPO_ROOT, "dev");
    expect(errors).toEqual([]);
    expect(apis.map((api) => api.manifest.slug)).toEqual([
      "chemical-elements",
      "fx-convert",
      "text-stats",
      "world-cities",
    ]);
  });
});

describe("manifest schema: bad manifests name file, field, problem and fix", () => {
  it.each([
    [{ price: '"0.001"' }, "price", 'is not a USD price like "$0.001"'],
    [{ price: '"$0.0000001"' }, "price", "at most 6 decimals"],
    [{ price: '"$0"' }, "price", "must be greater than $0"],
    [{ price: '"$5000"' }, "price", "$1000"],
    [{ owner: OWNER.toLowerCase().replace("0x90f", "0x90F") }, "owner", "checksum"],
    [{ owner: "0x1234" }, "owner", "not a 0x-prefixed 20-byte hex address"],
    [{ kind: "python" }, "kind", 'must be one of "data", "function"'],
    [{ slug: "My_API" }, "slug", "lowercase"],
    [{ slug: "health" }, "slug", "reserved"],
    [{ title: undefined }, "title", "is required"],
    [{ source: "../secret.csv" }, "source", "inside the API folder"],
    [{ source: "data.xlsx" }, "source", ".csv or .json"],
    [{ egress: "[api.example.com]" }, "egress", "only for function APIs"],
    [{ settle: "later" }, "settle", 'must be one of "after", "before"'],
    [{ limits: "{ cpuMs: 0 }" }, "limits.cpuMs", ""],
    [{ colour: "blue" }, "colour", "is not a manifest field"],
  ])("%o → %s", (override, field, problem) => {
    const [message] = messages(load({ ...GOOD, ...override }));
    expect(message).toContain("stacks/dev/apis/my-api/api.yaml");
    expect(message).toContain(`${field}:`);
    expect(message).toContain(problem);
    expect(message).toContain("Fix:");
  });

  it("refuses egress to internal hosts in a function's allowlist", () => {
    const [message] = messages(
      load({ ...GOOD, kind: "function", source: "h.ts", egress: "[metadata.google.internal]" }, "my-api", {
        "h.ts": "",
      }),
    );
    expect(message).toContain("internal or metadata host");
  });

  it("requires the slug to equal the folder name", () => {
    expect(messages(load(GOOD, "other-name"))[0]).toContain('differs from its folder name "other-name"');
  });

  it("reports a missing source file", () => {
    expect(messages(load(GOOD, "my-api", {}))[0]).toContain('file "data.csv" does not exist');
  });

  it("reports invalid YAML with its line", () => {
    expect(messages(load({ ...GOOD, title: "[unclosed" }))[0]).toMatch(/is not valid YAML at line \d+/);
  });
});

describe("manifest input and output (JSON Schema, functions only)", () => {
  const fn = (fields: Record<string, string>) =>
    load({ ...GOOD, kind: "function", source: "h.ts", ...fields }, "my-api", { "h.ts": "" });

  it("accepts a GET function with scalar inputs and an output schema", () => {
    const result = fn({
      input: "{ type: object, properties: { q: { type: string }, n: { type: integer } }, required: [q] }",
      output: "{ type: object, properties: { total: { type: number } } }",
    });
    if (Array.isArray(result)) throw new Error(result.map((e) => e.message).join("\n"));
    expect(result.manifest.input).toMatchObject({ required: ["q"] });
  });

  it("accepts nested inputs for a POST function (a JSON body)", () => {
    const result = fn({
      method: "POST",
      input: "{ type: object, properties: { items: { type: array, items: { type: string } } } }",
    });
    expect(Array.isArray(result)).toBe(false);
  });

  it.each([
    [{ input: "{ type: string }" }, "input", "must be a JSON Schema of an object"],
    [{ input: "{ type: object, properties: { q: { type: strng } } }" }, "input", "not a valid JSON Schema"],
    [
      { input: "{ type: object, properties: { tags: { type: array } } }" },
      "input",
      "properties tags are not string",
    ],
    [{ output: "[1, 2]" }, "output", "must be a JSON Schema"],
    [{ method: "PUT" }, "method", 'must be one of "GET", "POST"'],
    [
      {
        input: `{ type: object, properties: { ${Array.from({ length: 200 }, (_, i) => `a${i}: { type: string }`).join(", ")} } }`,
      },
      "input",
      "over 2048",
    ],
  ])("%o → %s", (override, field, problem) => {
    const [message] = messages(fn(override));
    expect(message).toContain(`${field}:`);
    expect(message).toContain(problem);
    expect(message).toContain("Fix:");
  });

  it("refuses input and output on a data API (they come from its columns)", () => {
    const [message] = messages(load({ ...GOOD, input: "{ type: object, properties: {} }" }));
    expect(message).toContain("input: is only for function APIs");
  });

  it("reserves the agents' paths as slugs", () => {
    expect(messages(load({ ...GOOD, slug: "mcp" }, "mcp"))[0]).toContain("reserved");
  });
});

describe("manifest schema: usage pricing", () => {
  const FUNCTION = { ...GOOD, kind: "function", source: "handler.ts" };
  const code = { "handler.ts": "export default () => 1;" };

  it("accepts a data API priced per row, its price the most one call costs", () => {
    const result = load({ ...GOOD, price: '"$0.01"', pricePerRow: '"$0.0001"' });
    if (Array.isArray(result)) throw new Error(result.map((e) => e.message).join("\n"));
    expect(result.manifest).toMatchObject({ price: "$0.01", pricePerRow: "$0.0001" });
  });

  it("accepts a function that reports its charge with pricing: usage", () => {
    expect(Array.isArray(load({ ...FUNCTION, pricing: "usage" }, "my-api", code))).toBe(false);
  });

  it.each([
    [{ pricePerRow: '"$0.01"', price: '"$0.001"' }, {}, "pricePerRow: ($0.01) is above price ($0.001)"],
    [{ pricePerRow: '"0.0001"' }, {}, 'pricePerRow: "0.0001" is not a USD price'],
    [{ pricePerRow: '"$0"' }, {}, "pricePerRow: must be greater than $0"],
    [{ pricing: "usage" }, {}, "pricePerRow: is required for a data API priced by usage"],
    [
      { pricing: "fixed", pricePerRow: '"$0.0001"' },
      {},
      "pricing: is fixed, but pricePerRow charges by usage",
    ],
    [{ pricing: "per-call" }, {}, 'pricing: must be one of "fixed", "usage"'],
    [{ ...FUNCTION, pricePerRow: '"$0.0001"' }, code, "pricePerRow: is only for data APIs"],
  ])("refuses %j, naming the file, the field and the fix", (fields, files, problem) => {
    const [message] = messages(load({ ...GOOD, ...fields }, "my-api", { "data.csv": "a\n1\n", ...files }));
    expect(message).toContain("stacks/dev/apis/my-api/api.yaml");
    expect(message).toContain(problem);
    expect(message).toMatch(/Fix: .*(pricePerRow|pricing)/);
  });
});
