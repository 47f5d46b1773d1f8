import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFacilitatorApp } from "../../../facilitator/server.ts";
import type { ApiRecord } from "../api-record.ts";
import { testApiRecord } from "../test-api-record.ts";
import { testDispatchEnv } from "../test-env.ts";
import { withCall } from "./call-context.ts";
import { PaidCall } from "./paid-call.ts";
import type { PaymentConfig } from "./payment-config.ts";
import { paymentGate } from "./payment-gate.ts";
import { routeConfigFor } from "./route-config.ts";

// The isolate's one gate, against the real facilitator's HTTP face (its /supported needs no chain).
let facilitatorUrl: string;
let supportedFetches = 0;
let stopFacilitator: () => void;

/** The real facilitator app on a port, counting its /supported requests. */
async function serveFacilitator(port = 0): Promise<{ url: string; stop: () => void }> {
  const facilitator = createFacilitatorApp({
    privateKey: `0x${"11".repeat(32)}`,
    networks: [{ chainId: 31337, rpcUrl: "http://127.0.0.1:9" }],
  });
  const counted = new Hono();
  counted.use("/supported", async (_c, next) => {
    supportedFetches += 1;
    await next();
  });
  counted.route("/", facilitator);
  const server = serve({ fetch: counted.fetch, hostname: "127.0.0.1", port });
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => server.close() };
}

beforeAll(async () => {
  ({ url: facilitatorUrl, stop: stopFacilitator } = await serveFacilitator());
});

afterAll(() => stopFacilitator?.());

const configFor = (url: string): PaymentConfig => ({
  network: "eip155:31337",
  asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  assetName: "USD Coin",
  assetVersion: "2",
  facilitatorUrl: url,
  maxTimeoutSeconds: 60,
  facilitatorTimeoutMs: 5_000,
});

const api = (slug: string, priceAtomic: string, payTo: string, settleMode: "after" | "before" = "after") =>
  testApiRecord({ slug, priceAtomic, payTo, owner: payTo, priceUsd: "$0", settleMode });

/** An unpaid request through the gate for one API, as chargeFor runs it. */
async function quote(config: PaymentConfig, record: ApiRecord) {
  const resource = `https://market.example/${record.slug}`;
  const call = new PaidCall(testDispatchEnv(), record, routeConfigFor(record, config, resource), () => {
    throw new Error("an unpaid request must not reach the creator");
  });
  const gate = paymentGate(config);
  expect(await gate.ready()).toBe(true);
  const response = await withCall(call, async () =>
    gate.app.fetch(new Request(`https://gateway.internal/${record.slug}?limit=1`)),
  );
  expect(response.status).toBe(402);
  return decodePaymentRequiredHeader(response.headers.get("payment-required")!);
}

describe("the payment gate", () => {
  it("is built once per isolate and asks the facilitator for its supported kinds once", async () => {
    const config = configFor(facilitatorUrl);
    const before = supportedFetches;
    const gate = paymentGate(config);
    await Promise.all(Array.from({ length: 10 }, () => quote(config, api("a", "1000", ADDRESS_A))));
    expect(paymentGate(config)).toBe(gate);
    expect(supportedFetches - before).toBe(1);
  });

  it("quotes each concurrent call with its own API's price, payTo and resource", async () => {
    const config = configFor(facilitatorUrl);
    const apis = Array.from({ length: 40 }, (_, index) =>
      index % 2 ? api(`odd-${index}`, String(1000 + index), ADDRESS_A) : api(`even-${index}`, "7", ADDRESS_B),
    );
    const quotes = await Promise.all(apis.map((record) => quote(config, record)));
    for (const [index, required] of quotes.entries()) {
      const record = apis[index]!;
      expect(required.accepts.map((offer) => offer.scheme)).toEqual(["exact"]);
      expect(required.accepts[0]).toMatchObject({ amount: record.priceAtomic, payTo: record.payTo });
      expect(required.resource).toMatchObject({
        url: `https://market.example/${record.slug}`,
        description: `${record.slug}: the ${record.slug} API`,
      });
    }
  });

  it("offers settle-before APIs x402's upfront flow, and only them", async () => {
    const config = configFor(facilitatorUrl);
    const [before, after] = await Promise.all([
      quote(config, api("before", "5", ADDRESS_A, "before")),
      quote(config, api("after", "5", ADDRESS_A)),
    ]);
    expect(before.accepts[0]!.extra).toMatchObject({ paymentFlow: "upfront" });
    expect(after.accepts[0]!.extra).not.toHaveProperty("paymentFlow");
  });

  it("reports an unreachable facilitator, then recovers once it answers", async () => {
    const port = await closedPort();
    const config = configFor(`http://127.0.0.1:${port}`);
    expect(await paymentGate(config).ready()).toBe(false);
    // The facilitator comes up on that port: the failed start was not cached.
    const { stop } = await serveFacilitator(port);
    try {
      expect(await paymentGate(config).ready()).toBe(true);
    } finally {
      stop();
    }
  });
});

const ADDRESS_A = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const ADDRESS_B = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";

async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
