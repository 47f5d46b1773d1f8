import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import { validateDiscoveryExtension } from "@x402/extensions/bazaar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../local/stack.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";

// The real local stack (anvil, facilitator, workerd, D1/R2/KV) holding good APIs beside hostile ones.
const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const SECRET = "hunter2-runner-secret";
const WIDE_COLUMNS = 10_000;

let project: TempProject;
let stack: LocalStack;
let paying: typeof fetch;

function addDataApi(slug: string, source: string, content?: string): string {
  const dir = join(project.apisDir, slug);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "api.yaml"),
    `slug: ${slug}\ntitle: ${slug}\ndescription: A test API.\nowner: "${OWNER}"\nprice: "$0.001"\nkind: data\nsource: ${source}\n`,
  );
  if (content !== undefined) writeFileSync(join(dir, source), content);
  return dir;
}

beforeAll(async () => {
  project = makeTempProject();
  // Before: `npm start` died with D1_ERROR "string or blob too big", taking every API down.
  addDataApi("huge-cell", "data.csv", `id,blob\n1,${"x".repeat(3 * 1024 * 1024)}\n`);
  // Before: one invalid manifest made the whole stack refuse to start.
  addDataApi("broken-manifest", "data.csv", "a\n1\n");
  writeFileSync(join(project.apisDir, "broken-manifest", "api.yaml"), "slug: broken-manifest\nprice: free\n");
  // Before: the symlink was followed and the outside file's first row became the 402's free sample.
  const outside = join(project.root, "runner-secret.csv");
  writeFileSync(outside, `token\n${SECRET}\n`);
  symlinkSync(outside, join(addDataApi("linked-secret", "data.csv"), "data.csv"));
  // Passes `402claw validate` (the fee bounds are the stack's) and fails only at publish, resolving its split.
  addDataApi("greedy-fee", "data.csv", "a\n1\n");
  writeFileSync(join(project.apisDir, "greedy-fee", "api.yaml"), "platformFeeBps: 9000\n", { flag: "a" });
  // Before: a 637 KB PAYMENT-REQUIRED header that no client could read.
  const header = Array.from({ length: WIDE_COLUMNS }, (_, i) => `column_${i}`);
  const row = header.map((_, i) => `value ${i}`);
  addDataApi("wide", "data.csv", `${header.join(",")}\n${row.join(",")}\n${row.join(",")}\n`);
  stack = await startTestStack(project);
  paying = demoPayerFetch(stack.devFile);
});

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

const catalogSlugs = async () => {
  const response = await fetch(`${stack.url}/`, { headers: { accept: "application/json" } });
  return ((await response.json()) as { apis: Array<{ slug: string }> }).apis.map((api) => api.slug).sort();
};

describe("one bad API never takes the others down", () => {
  it("starts, serves every good API and names each bad one with why", async () => {
    expect(await catalogSlugs()).toEqual([
      "chemical-elements",
      "fx-convert",
      "text-stats",
      "wide",
      "world-cities",
    ]);
    const failures = Object.fromEntries(stack.failures.map((failure) => [failure.api, failure.message]));
    expect(Object.keys(failures).sort()).toEqual([
      "broken-manifest",
      "greedy-fee",
      "huge-cell",
      "linked-secret",
    ]);
    expect(failures["greedy-fee"]).toMatch(
      /^stacks\/dev\/apis\/greedy-fee\/api\.yaml: publishing failed: config overrideBps: .*9000.*Fix:/,
    );
    expect(failures["huge-cell"]).toMatch(
      /stacks\/dev\/apis\/huge-cell\/data\.csv: row 2, column 2 \("blob"\).*cell limit\. Fix:/,
    );
    expect(failures["broken-manifest"]).toMatch(/broken-manifest\/api\.yaml: .*Fix:/);
    expect(failures["linked-secret"]).toMatch(
      /linked-secret\/api\.yaml: source: "data\.csv" is a symbolic link/,
    );
    const response = await paying(`${stack.url}/world-cities?filter_country=Japan&fields=name&limit=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: [{ name: "Tokyo" }] });
  });

  it("answers 404 for a bad API and never leaks the linked file", async () => {
    for (const slug of ["huge-cell", "linked-secret"]) {
      const response = await fetch(`${stack.url}/${slug}`);
      expect(response.status).toBe(404);
      const text = `${JSON.stringify([...response.headers])}${await response.text()}`;
      expect(text).not.toContain(SECRET);
    }
    const catalog = await (await fetch(`${stack.url}/`, { headers: { accept: "application/json" } })).text();
    expect(catalog).not.toContain(SECRET);
  });
});

describe("a 10,000-column API", () => {
  it("answers a 402 whose PAYMENT-REQUIRED header is under 8 KB and decodes to a valid discovery block", async () => {
    // Node's fetch itself refuses responses with headers over 16 KB: reading it at all is the first check.
    const response = await fetch(`${stack.url}/wide?limit=1`);
    expect(response.status).toBe(402);
    const header = response.headers.get("payment-required") ?? "";
    expect(header.length).toBeGreaterThan(0);
    expect(header.length).toBeLessThan(8 * 1024);
    console.info(`402 PAYMENT-REQUIRED header of a ${WIDE_COLUMNS}-column API: ${header.length} bytes`);
    const required = decodePaymentRequiredHeader(header);
    expect(required.accepts.length).toBeGreaterThan(0);
    const bazaar = required.extensions?.bazaar as Parameters<typeof validateDiscoveryExtension>[0];
    expect(validateDiscoveryExtension(bazaar)).toMatchObject({ valid: true });
    expect(JSON.stringify(bazaar.schema)).toContain(
      `of ${WIDE_COLUMNS} columns shown; GET /wide/schema lists all`,
    );
    const example = bazaar.info.output?.example as { data: Array<Record<string, unknown>> };
    expect(example.data[0]).toMatchObject({ column_0: "value 0" });
  });

  it("serves its rows and its full schema when paid", async () => {
    const rows = await paying(`${stack.url}/wide?fields=column_0,column_9999&limit=1`);
    expect(rows.status).toBe(200);
    expect(await rows.json()).toMatchObject({ data: [{ column_0: "value 0", column_9999: "value 9999" }] });
    const schema = await paying(`${stack.url}/wide/schema`);
    expect(schema.status).toBe(200);
    expect(((await schema.json()) as { columns: unknown[] }).columns).toHaveLength(WIDE_COLUMNS);
  });
});

describe("watch mode keeps republishing", () => {
  it("publishes a fixed API, keeps the last good version of a newly broken one, and names it", async () => {
    // broken-manifest was never requested, so no gateway isolate remembers it as unknown.
    addDataApi("broken-manifest", "data.csv", "id,blob\n1,small\n");
    writeFileSync(join(project.apisDir, "world-cities", "cities.csv"), "name,country\nTokyo,Japan\nOsaka\n");
    const republished = await stack.reload();
    expect(republished.map((api) => api.slug).sort()).toEqual([
      "broken-manifest",
      "chemical-elements",
      "fx-convert",
      "text-stats",
      "wide",
    ]);
    expect([...new Set(stack.failures.map((failure) => failure.api))].sort()).toEqual([
      "greedy-fee",
      "huge-cell",
      "linked-secret",
      "world-cities",
    ]);
    expect(stack.failures.find((failure) => failure.api === "world-cities")?.message).toMatch(
      /world-cities\/cities\.csv: row 3 has 1 fields/,
    );
    const fixed = await paying(`${stack.url}/broken-manifest`);
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({ data: [{ id: 1, blob: "small" }] });
    // As after a failed `pulumi up` of one resource, the deployed version stays up.
    const kept = await paying(`${stack.url}/world-cities?filter_country=Japan&fields=name&limit=1`);
    expect(kept.status).toBe(200);
  });
});
