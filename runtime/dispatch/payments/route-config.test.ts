import { encodePaymentRequiredHeader } from "@x402/core/http";
import { validateDiscoveryExtension, validateDiscoveryExtensionSpec } from "@x402/extensions/bazaar";
import { describe, expect, it } from "vitest";
import type { ApiRecord } from "../api-record.ts";
import { testApiRecord } from "../test-api-record.ts";
import { DISCOVERY_BUDGET_BYTES, jsonBytes, OPEN_FUNCTION_INPUT } from "./discovery-block.ts";
import type { PaymentConfig } from "./payment-config.ts";
import { routeConfigFor } from "./route-config.ts";

const config: PaymentConfig = {
  network: "eip155:31337",
  asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  assetName: "USD Coin",
  assetVersion: "2",
  facilitatorUrl: "http://127.0.0.1:4020",
  maxTimeoutSeconds: 60,
  facilitatorTimeoutMs: 5000,
};

const dataApi = testApiRecord({
  slug: "world-cities",
  title: "World Cities",
  description: "Large cities.",
  kind: "data",
  example: "?filter_country=Japan&limit=3",
  outputSchema: {
    columns: [
      { name: "name", type: "string" },
      { name: "population", type: "number" },
    ],
    rows: 34,
    sample: { name: "Tokyo", population: 13960000 },
  },
});

type Bazaar = Parameters<typeof validateDiscoveryExtension>[0];

/** The discovery block as a GET request carries it (x402 adds the method), checked with x402's validator. */
function expectValidBazaar(bazaar: Bazaar): void {
  expect(validateDiscoveryExtensionSpec(bazaar as never)).toMatchObject({ valid: true });
  expect(
    validateDiscoveryExtension({
      ...bazaar,
      info: { ...bazaar.info, input: { ...bazaar.info.input, method: "GET" } },
    } as never),
  ).toMatchObject({ valid: true });
}

/** The PAYMENT-REQUIRED header x402 would send for this route (both schemes offered, worst case). */
function headerFor(api: ApiRecord, resourceUrl = "http://127.0.0.1:8787/wide"): string {
  const route = routeConfigFor(api, config, resourceUrl);
  const accepts = route.accepts as {
    scheme: string;
    network: `${string}:${string}`;
    payTo: string;
    price: { amount: string; asset: string; extra: Record<string, unknown> };
    maxTimeoutSeconds: number;
  };
  const requirement = {
    scheme: accepts.scheme,
    network: accepts.network,
    amount: accepts.price.amount,
    asset: accepts.price.asset,
    payTo: accepts.payTo,
    maxTimeoutSeconds: accepts.maxTimeoutSeconds,
    extra: accepts.price.extra,
  };
  return encodePaymentRequiredHeader({
    x402Version: 2,
    error: "Payment required",
    resource: { url: resourceUrl, description: route.description!, mimeType: route.mimeType! },
    accepts: [requirement, { ...requirement, scheme: "batch-settlement" }],
    extensions: route.extensions as Record<string, unknown>,
  });
}

/** A data API whose catalog row describes `count` columns (as rows written before the bound did). */
function wideApi(count: number, name: (i: number) => string, value: (i: number) => unknown): ApiRecord {
  const columns = Array.from({ length: count }, (_, i) => ({ name: name(i), type: "string" }));
  return {
    ...dataApi,
    slug: "wide",
    title: "T".repeat(80),
    description: "€".repeat(500),
    example: `?${Array.from({ length: 40 }, (_, i) => `filter_${name(i)}=${"v".repeat(200)}`).join("&")}`,
    outputSchema: {
      columns,
      columnCount: 10_000,
      rows: 5,
      sample: Object.fromEntries(columns.map((column, i) => [column.name, value(i)])),
    },
  };
}

describe("routeConfigFor", () => {
  it("asks for the API's price in token units, paid to its payTo, on the configured network and asset", () => {
    const route = routeConfigFor(dataApi, config, "http://127.0.0.1:8787/world-cities");
    expect(route.accepts).toEqual({
      scheme: "exact",
      network: "eip155:31337",
      payTo: dataApi.payTo,
      price: { amount: "1000", asset: config.asset, extra: { name: "USD Coin", version: "2" } },
      maxTimeoutSeconds: 60,
    });
    expect(route.description).toBe("World Cities: Large cities.");
  });

  it("says in the batch-settlement offer that a usage-priced API charges a range, exact pays the price", () => {
    const batchConfig = {
      ...config,
      batch: {
        receiverAuthorizerKey: `0x${"11".repeat(32)}` as const,
        withdrawDelaySeconds: 900,
        minDepositCalls: 10,
      },
    };
    type Offer = { scheme: string; price: { amount: string; extra: Record<string, unknown> } };
    const offers = (api: ApiRecord) =>
      routeConfigFor(api, batchConfig, "http://x/world-cities").accepts as Offer[];
    const [batch, exact] = offers({
      ...dataApi,
      priceAtomic: "10000",
      pricing: { unit: "row", perRowAtomic: "100" },
    });
    expect(batch!.price.amount).toBe("10000");
    expect(batch!.price.extra).toMatchObject({
      pricingMode: "range",
      minAmount: "0",
      maxAmount: "10000",
      amountPerRow: "100",
    });
    expect(exact!.price).toEqual({
      amount: "10000",
      asset: config.asset,
      extra: { name: "USD Coin", version: "2" },
    });
    const [reported] = offers({ ...dataApi, kind: "function", pricing: { unit: "reported" } });
    expect(reported!.price.extra).toMatchObject({ pricingMode: "range", maxAmount: "1000" });
    expect(reported!.price.extra).not.toHaveProperty("amountPerRow");
    const [fixed] = offers(dataApi);
    expect(fixed!.price.extra).not.toHaveProperty("pricingMode");
  });

  it("uses x402's upfront flow for settle: before APIs", () => {
    const route = routeConfigFor({ ...dataApi, settleMode: "before" }, config, "http://x/world-cities");
    expect(route.accepts).toMatchObject({ price: { extra: { paymentFlow: "upfront" } } });
  });

  // The gateway skips x402's per-request schema check (ajv cannot run in workerd), so it is done here.
  it.each([
    ["a data API with its column schema", dataApi],
    [
      "a function API without an output schema",
      { ...dataApi, kind: "function" as const, outputSchema: null, example: null },
    ],
  ])("declares a valid Bazaar discovery extension for %s", (_label, api) => {
    expectValidBazaar(routeConfigFor(api, config, "http://x/api").extensions?.bazaar as Bazaar);
  });

  it("describes data rows from the inferred column types, with a real first row as the example", () => {
    const bazaar = routeConfigFor(dataApi, config, "http://x/api").extensions?.bazaar as {
      info: { output?: unknown };
      schema: unknown;
    };
    expect(bazaar.info.output).toEqual({
      type: "json",
      example: {
        data: [{ name: "Tokyo", population: 13960000 }],
        pagination: { page: 1, limit: 100, total: 34 },
      },
    });
    expect(JSON.stringify(bazaar.schema)).toContain('"population":{"type":["number","null"]}');
  });
});

describe("the 402 stays readable for any API (hostile creator data)", () => {
  it.each([
    [
      "10,000 short columns",
      wideApi(
        10_000,
        (i) => `c${i}`,
        (i) => `v${i}`,
      ),
    ],
    [
      "10,000 columns of 64 three-byte characters",
      wideApi(
        10_000,
        (i) => `${"é€"[i % 2]!.repeat(60)}${i}`,
        () => "€".repeat(100),
      ),
    ],
    [
      "100 columns with 3 MB sample values",
      wideApi(
        100,
        (i) => `col${i}`,
        () => "x".repeat(3 * 1024 * 1024),
      ),
    ],
  ])("%s: header under 8 KB, decodable, with a valid discovery block", (_label, api) => {
    const header = headerFor(api);
    expect(header.length).toBeLessThan(8 * 1024);
    const decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as {
      extensions: { bazaar: Bazaar };
    };
    const bazaar = decoded.extensions.bazaar;
    expect(jsonBytes(bazaar)).toBeLessThanOrEqual(DISCOVERY_BUDGET_BYTES);
    expectValidBazaar(bazaar);
    // Columns are listed while they fit, with a note that names the total and where to see all.
    const schema = JSON.stringify(bazaar.schema);
    expect(schema).toMatch(/"description":"\d+ of 10000 columns shown; GET \/wide\/schema lists all"/);
    const example = bazaar.info.output?.example as { data: Array<Record<string, unknown>> };
    expect(Object.keys(example.data[0]!).length).toBeGreaterThan(0);
  });

  it("lists every column and the untouched sample when they fit", () => {
    const bazaar = routeConfigFor(dataApi, config, "http://x/api").extensions?.bazaar as Bazaar;
    expect(JSON.stringify(bazaar.schema)).not.toContain("columns shown");
  });

  it("shortens the resource description to a summary", () => {
    const route = routeConfigFor(
      wideApi(
        1,
        () => "a",
        () => 1,
      ),
      config,
      "http://x/wide",
    );
    expect(route.description!.length).toBeLessThanOrEqual(300);
    expect(route.description!.endsWith("…")).toBe(true);
  });
});

describe("a function's Bazaar block carries its input schema (indexers count it as invocable)", () => {
  const converter: ApiRecord = {
    ...dataApi,
    kind: "function",
    outputSchema: null,
    example: "?from=USD&to=EUR&amount=100&rounded=true",
    inputSchema: {
      type: "object",
      properties: {
        from: { type: "string" },
        to: { type: "string" },
        amount: { type: "number" },
        rounded: { type: "boolean" },
      },
      required: ["from", "to"],
    },
    responseSchema: { type: "object", properties: { converted: { type: "number" } } },
  };
  type Block = {
    info: { input: Record<string, unknown> };
    schema: { properties: { input: { properties: Record<string, unknown> } } };
  };
  const blockOf = (api: ApiRecord) => routeConfigFor(api, config, "http://x/fx").extensions?.bazaar as Block;

  it("declares the manifest's input as query parameters for a GET function", () => {
    const block = blockOf(converter);
    expectValidBazaar(block as unknown as Bazaar);
    // The example query is typed as the schema says, or x402's validator (and indexers) refuse it.
    expect(block.info.input.queryParams).toEqual({ from: "USD", to: "EUR", amount: 100, rounded: true });
    expect(block.schema.properties.input.properties.queryParams).toMatchObject({
      properties: converter.inputSchema!.properties,
      required: ["from", "to"],
    });
  });

  it("declares a JSON body for a POST function", () => {
    const block = blockOf({ ...converter, method: "POST" });
    expect(block.info.input).toMatchObject({ bodyType: "json" });
    expect(block.schema.properties.input.properties.body).toMatchObject(converter.inputSchema!);
  });

  it("declares open query parameters for a function without an input schema", () => {
    const block = blockOf({ ...converter, inputSchema: null, responseSchema: null });
    expectValidBazaar(block as unknown as Bazaar);
    expect(block.schema.properties.input.properties.queryParams).toMatchObject({
      additionalProperties: OPEN_FUNCTION_INPUT.additionalProperties,
    });
  });

  it("keeps the header under 8 KB with the largest input schema a manifest may declare", () => {
    const properties = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`argument_${i}`, { type: "string" }]),
    );
    const big = { ...converter, inputSchema: { type: "object", properties }, title: "T".repeat(80) };
    expect(jsonBytes(big.inputSchema)).toBeLessThanOrEqual(2048);
    const header = headerFor(big);
    expect(header.length).toBeLessThan(8 * 1024);
    expect(jsonBytes(blockOf(big))).toBeLessThanOrEqual(DISCOVERY_BUDGET_BYTES);
    expect(blockOf(big).schema.properties.input.properties.queryParams).toMatchObject({ properties });
  });
});
