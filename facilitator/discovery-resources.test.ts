import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { declareDiscoveryExtension } from "@x402/extensions/bazaar";
import { describe, expect, it } from "vitest";
import { DiscoveryCatalog } from "./discovery-resources.ts";

const requirements = (payTo: string): PaymentRequirements => ({
  scheme: "exact",
  network: "eip155:31337",
  asset: "0x0000000000000000000000000000000000000001",
  amount: "1000",
  payTo,
  maxTimeoutSeconds: 60,
  extra: {},
});

function payment(url: string, bazaar: unknown): PaymentPayload {
  return {
    x402Version: 2,
    resource: { url, description: "cities", mimeType: "application/json" },
    accepted: requirements("0x00000000000000000000000000000000000000aa"),
    payload: {},
    ...(bazaar === undefined ? {} : { extensions: { bazaar } }),
  } as PaymentPayload;
}

// As a resource server's Bazaar extension sends it: the declared block with the route's method filled in.
const declared = declareDiscoveryExtension({ input: { q: "tokyo" } }).bazaar!;
const validBlock = { ...declared, info: { input: { ...declared.info.input, method: "GET" } } };
const invalidBlock = { info: { input: { type: "http", method: "NOT-A-METHOD" } }, schema: { type: 7 } };

describe("the facilitator's discovery listing", () => {
  it("lists a resource whose block validates, and each resource once however often it is paid", () => {
    const catalog = new DiscoveryCatalog();
    const pay = requirements("0x00000000000000000000000000000000000000aa");
    for (let i = 0; i < 3; i++) catalog.record(payment("http://127.0.0.1/a", validBlock), pay);
    catalog.record(payment("http://127.0.0.1/b", validBlock), pay);
    const listed = catalog.list(new URLSearchParams());
    expect(listed.items.map((item) => item.resource).sort()).toEqual([
      "http://127.0.0.1/a",
      "http://127.0.0.1/b",
    ]);
    expect(listed.items[0]?.type).toBe("http");
  });

  it("skips a block that fails x402's validator, also when it is sent again (the verdict is remembered)", () => {
    const catalog = new DiscoveryCatalog();
    const pay = requirements("0x00000000000000000000000000000000000000aa");
    catalog.record(payment("http://127.0.0.1/bad", invalidBlock), pay);
    catalog.record(payment("http://127.0.0.1/bad", invalidBlock), pay);
    catalog.record(payment("http://127.0.0.1/none", undefined), pay);
    expect(catalog.list(new URLSearchParams()).pagination.total).toBe(0);
    // The same resource with a valid block is listed: verdicts belong to blocks, not URLs.
    catalog.record(payment("http://127.0.0.1/bad", validBlock), pay);
    expect(catalog.list(new URLSearchParams()).items.map((item) => item.resource)).toEqual([
      "http://127.0.0.1/bad",
    ]);
  });

  it("keeps the latest terms of a resource paid again with the same block", () => {
    const catalog = new DiscoveryCatalog();
    catalog.record(
      payment("http://127.0.0.1/a", validBlock),
      requirements("0x00000000000000000000000000000000000000aa"),
    );
    catalog.record(
      payment("http://127.0.0.1/a", validBlock),
      requirements("0x00000000000000000000000000000000000000bb"),
    );
    const [item] = catalog.list(new URLSearchParams()).items;
    expect(item?.accepts[0]?.payTo).toBe("0x00000000000000000000000000000000000000bb");
  });
});
