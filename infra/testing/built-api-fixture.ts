import type { BuiltApi } from "../../core/build/types.ts";

const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

/** A hand-made data API build, so provider tests do not depend on the bundler. */
export function dataApiFixture(overrides: Partial<BuiltApi> = {}): BuiltApi {
  const contentHash = overrides.contentHash ?? "a".repeat(64);
  return {
    slug: "world-cities",
    kind: "data",
    workerName: "world-cities",
    mainModule: "worker.js",
    modules: [{ name: "worker.js", content: "export default { fetch() { return new Response('ok') } }" }],
    compatibilityDate: "2026-07-01",
    compatibilityFlags: [],
    vars: { API_SLUG: "world-cities", DATA_KEY: "datasets/world-cities/0123456789abcdef.json" },
    data: {
      key: "datasets/world-cities/0123456789abcdef.json",
      body: '{"columns":[],"rows":[]}',
      contentType: "application/json",
      rows: 0,
      columns: [{ name: "city", type: "string" }],
      sample: null,
    },
    contentHash,
    manifest: {
      slug: "world-cities",
      title: "World Cities",
      description: "Cities.",
      owner: OWNER,
      price: "$0.001",
      kind: "data",
      source: "cities.csv",
      settle: "after",
    },
    priceAtomic: 1000n,
    ...overrides,
  };
}

export const FIXTURE_OWNER = OWNER;
