import { validateDiscoveryExtension, validateDiscoveryExtensionSpec } from "@x402/extensions/bazaar";
import { describe, expect, it } from "vitest";
import type { ApiRecord } from "../api-record.ts";
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

const dataApi: ApiRecord = {
  slug: "world-cities",
  title: "World Cities",
  description: "Large cities.",
  kind: "data",
  owner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  priceUsd: "$0.001",
  priceAtomic: "1000",
  payTo: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  workerName: "world-cities",
  settleMode: "after",
  limits: {},
  egress: [],
  tags: [],
  example: "?filter_country=Japan&limit=3",
  outputSchema: {
    columns: [
      { name: "name", type: "string" },
      { name: "population", type: "number" },
    ],
    rows: 34,
    sample: { name: "Tokyo", population: 13960000 },
  },
  status: "active",
};

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
    const bazaar = routeConfigFor(api, config, "http://x/api").extensions?.bazaar as Parameters<
      typeof validateDiscoveryExtension
    >[0];
    expect(validateDiscoveryExtensionSpec(bazaar)).toMatchObject({ valid: true });
    expect(
      validateDiscoveryExtension({
        ...bazaar,
        info: { ...bazaar.info, input: { ...bazaar.info.input, method: "GET" } },
      } as never),
    ).toMatchObject({ valid: true });
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
