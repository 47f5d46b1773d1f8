import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import type { ApiRecord } from "../api-record.ts";
import { type MarketplaceInfo, openApiDocument } from "./openapi.ts";

// biome-ignore lint/suspicious/noExplicitAny: a test walks a JSON document whose shape it asserts.
type Json = any;

const base: ApiRecord = {
  slug: "wide",
  title: "Wide",
  description: "A wide table.",
  kind: "data",
  owner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  priceUsd: "$0.25",
  priceAtomic: "250000",
  payTo: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  workerName: "wide",
  settleMode: "after",
  limits: {},
  egress: [],
  tags: ["geo"],
  example: null,
  outputSchema: {
    columns: Array.from({ length: 100 }, (_, i) => ({
      name: `c${i}`,
      type: ["number", "date", "boolean", "string"][i % 4],
    })),
    columnCount: 5000,
    rows: 3,
    sample: null,
  },
  status: "active",
  method: "GET",
  inputSchema: null,
  responseSchema: null,
  platformFeeBps: 500,
  earlierPrices: [],
};
const info: MarketplaceInfo = {
  title: "Test market",
  version: "1.0.0",
  origin: "https://market.example",
  contact: { name: "ops", email: "ops@market.example" },
  network: "eip155:8453",
  asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
};

async function validate(document: unknown) {
  return new Validator().validate(document as Record<string, unknown>);
}

describe("openApiDocument", () => {
  it("is valid OpenAPI 3.1 for a very wide table, a POST function and a function without input", async () => {
    const apis: ApiRecord[] = [
      base,
      {
        ...base,
        slug: "post-fn",
        kind: "function",
        method: "POST",
        outputSchema: null,
        inputSchema: { type: "object", properties: { items: { type: "array", items: { type: "string" } } } },
        responseSchema: { type: "object" },
      },
      { ...base, slug: "open-fn", kind: "function", outputSchema: null },
    ];
    const document = openApiDocument(apis, info) as { paths: Record<string, Json> };
    const result = await validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.paths["/wide"].get["x-payment-info"]).toEqual({
      protocols: ["x402"],
      pricingMode: "fixed",
      price: "0.25",
    });
    // Wider than the catalog row: the rest of the filters are free-form, and said so.
    expect(document.paths["/wide"].get.parameters.at(-1)).toMatchObject({ name: "arguments", style: "form" });
    expect(
      document.paths["/post-fn"].post.requestBody.content["application/json"].schema.properties,
    ).toHaveProperty("items");
    expect(document.paths["/open-fn"].get.parameters).toEqual([
      expect.objectContaining({
        name: "arguments",
        schema: { type: "object", additionalProperties: { type: "string" } },
      }),
    ]);
  });

  it("says range (nothing up to the price) for usage-priced APIs, per row for data", async () => {
    const apis: ApiRecord[] = [
      {
        ...base,
        slug: "rows",
        priceAtomic: "10000",
        priceUsd: "$0.01",
        pricing: { unit: "row", perRowAtomic: "100" },
      },
      { ...base, slug: "metered", kind: "function", outputSchema: null, pricing: { unit: "reported" } },
    ];
    const document = openApiDocument(apis, info) as { paths: Record<string, Json> };
    expect((await validate(document)).valid).toBe(true);
    expect(document.paths["/rows"].get["x-payment-info"]).toEqual({
      protocols: ["x402"],
      pricingMode: "range",
      minPrice: "0.00",
      maxPrice: "0.01",
      pricePerRow: "0.0001",
    });
    expect(document.paths["/rows"].get.description).toContain(
      "$0.0001 per returned row, at most $0.01 per call",
    );
    expect(document.paths["/rows/schema"].get["x-payment-info"].pricingMode).toBe("range");
    expect(document.paths["/metered"].get["x-payment-info"]).toEqual({
      protocols: ["x402"],
      pricingMode: "range",
      minPrice: "0.00",
      maxPrice: "0.25",
    });
  });

  it("the validator refuses a broken document (the check above can fail)", async () => {
    const document = openApiDocument([base], info) as { paths: Record<string, Json> };
    document.paths["/wide"].get.parameters[0] = { name: "missing-in" };
    expect((await validate(document)).valid).toBe(false);
  });
});
