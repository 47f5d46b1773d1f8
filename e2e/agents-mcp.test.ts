import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { x402Client } from "@x402/core/client";
import { HTTPFacilitatorClient } from "@x402/core/server";
import type { PaymentPayload, PaymentRequired } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { withBazaar } from "@x402/extensions/bazaar";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../local/paths.ts";
import type { LocalStack } from "../local/stack.ts";
import { balanceOf, ledgerOf } from "./support/chain.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// The MCP server at /mcp, driven by the official MCP client, paying on the real local chain
// through the same gate and payer ledger as HTTP calls.
let project: TempProject;
let stack: LocalStack;
let payer: { address: Address; privateKey: Hex };
let mcp: Client;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["crasher"] });
  stack = await startTestStack(project);
  payer = (stack.devFile as unknown as { payer: typeof payer }).payer;
  mcp = new Client({ name: "e2e", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`)));
}, 120_000);

afterAll(async () => {
  await mcp?.close();
  await stack?.stop();
  project?.remove();
});

const payToOf = (slug: string) => stack.devFile.apis.find((api) => api.slug === slug)!.payTo;
const x402 = () =>
  new x402Client()
    .register("eip155:31337", new ExactEvmScheme(privateKeyToAccount(payer.privateKey)))
    .setSpendControls({ allowedAssets: [{ network: "eip155:31337", asset: stack.chain.asset }] });

async function call(name: string, args: Record<string, unknown>, payment?: PaymentPayload) {
  return (await mcp.callTool({
    name,
    arguments: args,
    ...(payment ? { _meta: { "x402/payment": payment } } : {}),
  })) as CallToolResult;
}

/** The unpaid call's PaymentRequired, checked in both places x402's MCP transport puts it. */
async function paymentRequired(name: string, args: Record<string, unknown>): Promise<PaymentRequired> {
  const result = await call(name, args);
  expect(result.isError).toBe(true);
  const required = result.structuredContent as unknown as PaymentRequired;
  const first = result.content[0] as { type: string; text: string };
  expect(JSON.parse(first.text)).toEqual({
    "x402/error": { code: 402, message: expect.any(String), data: required },
  });
  return required;
}

describe("MCP over Streamable HTTP at /mcp", () => {
  it("lists one tool per API, named after its slug, with its input schema and price", async () => {
    const { tools } = await mcp.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(stack.devFile.apis.map((api) => api.slug).sort());
    const cities = tools.find((tool) => tool.name === "world-cities")!;
    expect(cities.description).toContain("$0.001 per call");
    expect(cities.inputSchema.properties).toMatchObject({
      filter_country: { type: "string" },
      filter_population__gt: { type: "number" },
      limit: { type: "integer", maximum: 1000 },
    });
    const fx = tools.find((tool) => tool.name === "fx-convert")!;
    expect(fx.inputSchema).toMatchObject({
      required: ["from", "to"],
      properties: { amount: { type: "number" } },
    });
  });

  it("answers an unpaid call with the PaymentRequired of exactly this API", async () => {
    const required = await paymentRequired("world-cities", { filter_name: "Tokyo" });
    expect(required.x402Version).toBe(2);
    // Both schemes, batch-settlement first, at the same price and payTo (the API's split).
    const terms = { network: "eip155:31337", amount: "1000", payTo: payToOf("world-cities") };
    expect(required.accepts).toMatchObject([
      { scheme: "batch-settlement", ...terms },
      { scheme: "exact", ...terms },
    ]);
    expect(required.resource?.url).toBe(`${stack.url}/world-cities`);
  });

  it("serves a paid call and settles it on chain; the settlement is in _meta", async () => {
    const payTo = payToOf("world-cities");
    const [payerBefore, payToBefore] = [await balanceOf(stack, payer.address), await balanceOf(stack, payTo)];
    const args = { filter_name: "Tokyo", fields: "name,country" };
    const payment = await x402().createPaymentPayload(await paymentRequired("world-cities", args));
    const result = await call("world-cities", args, payment);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      data: [{ name: "Tokyo", country: "Japan" }],
      pagination: { page: 1, limit: 100, total: 1 },
    });
    const settlement = result._meta?.["x402/payment-response"] as { success: boolean; transaction: Hex };
    expect(settlement.success).toBe(true);
    const receipt = await createPublicClient({ transport: http(stack.chain.rpcUrl) }).getTransactionReceipt({
      hash: settlement.transaction,
    });
    expect(receipt.status).toBe("success");
    expect(payerBefore - (await balanceOf(stack, payer.address))).toBe(1000n);
    expect((await balanceOf(stack, payTo)) - payToBefore).toBe(1000n);

    // The same payment again is refused, as over HTTP, and moves nothing.
    const replay = await call("world-cities", args, payment);
    expect(replay.isError).toBe(true);
    expect((replay.structuredContent as { error?: string }).error).toMatch(/already_used/);
    expect(payerBefore - (await balanceOf(stack, payer.address))).toBe(1000n);
  });

  it("serves one signature once when it is sent in several tool calls at once", async () => {
    const before = await balanceOf(stack, payer.address);
    const args = { filter_name: "Paris", fields: "name" };
    const payment = await x402().createPaymentPayload(await paymentRequired("world-cities", args));
    const results = await Promise.all(Array.from({ length: 5 }, () => call("world-cities", args, payment)));
    const served = results.filter((result) => !result.isError);
    expect(served).toHaveLength(1);
    expect(served[0]!._meta?.["x402/payment-response"]).toMatchObject({ success: true });
    for (const refused of results.filter((result) => result.isError)) {
      expect((refused.structuredContent as { error?: string }).error).toMatch(/already_used/);
    }
    expect(before - (await balanceOf(stack, payer.address))).toBe(1000n);
  });

  it("passes function arguments as the query and returns the function's JSON", async () => {
    const args = { from: "USD", to: "EUR", amount: 100 };
    const payment = await x402().createPaymentPayload(await paymentRequired("fx-convert", args));
    const result = await call("fx-convert", args, payment);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ from: "USD", to: "EUR", amount: 100 });
    expect(result._meta?.["x402/payment-response"]).toMatchObject({ success: true });
  });

  it("refuses arguments that break a function's declared input before any quote", async () => {
    const result = await call("fx-convert", { from: "USD", amount: "lots" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain("invalid arguments for fx-convert (nothing was charged)");
    expect(text).toMatch(/to/);
    expect(text).toMatch(/amount/);
  });

  it("does not charge a failed tool call; the ledger records it as failed", async () => {
    const before = await balanceOf(stack, payer.address);
    const payment = await x402().createPaymentPayload(await paymentRequired("crasher", {}));
    const result = await call("crasher", {}, payment);
    expect(result.isError).toBe(true);
    expect(result._meta?.["x402/payment-response"]).toBeUndefined();
    expect(await balanceOf(stack, payer.address)).toBe(before);
    const nonce = (payment.payload as { authorization: { nonce: string } }).authorization.nonce;
    const record = await (await ledgerOf(stack, payer.address)).find(nonce);
    expect(record?.state).toBe("failed");
  });

  it("refuses a payment that is not a PaymentPayload object, and an unknown tool", async () => {
    const result = (await mcp.callTool({
      name: "world-cities",
      arguments: {},
      _meta: { "x402/payment": "not-a-payload" },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toContain("PaymentPayload");
    await expect(mcp.callTool({ name: "no-such-api", arguments: {} })).rejects.toThrow(/no tool named/);
  });
});

describe("/mcp with bad input", () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...headers,
      },
      body,
    });

  it("answers malformed JSON-RPC with a 4xx, and GET with 405", async () => {
    const broken = await post("{not json");
    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(broken.status).toBeLessThan(500);
    expect(await broken.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 } });
    const get = await fetch(`${stack.url}/mcp`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    await get.arrayBuffer();
  });

  it("refuses a body over the gateway's body limit without reading it all", async () => {
    const huge = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { x: "x".repeat(2 * 1024 * 1024) } }),
    );
    expect(huge.status).toBe(413);
    await huge.arrayBuffer();
  });

  it("never lets a browser render a tool result (creator output) as the marketplace's page", async () => {
    const response = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }), {
      "mcp-protocol-version": "2025-06-18",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
    await response.arrayBuffer();
  });
});

describe("the local facilitator's Bazaar listing", () => {
  it("lists the resources it verified payments for, read with x402's own Bazaar client", async () => {
    const client = withBazaar(new HTTPFacilitatorClient({ url: stack.facilitatorUrl }));
    const listing = await client.extensions.bazaar.listResources({ type: "http" });
    const cities = listing.items.find((item) => item.resource === `${stack.url}/world-cities`);
    expect(cities?.accepts[0]).toMatchObject({ scheme: "exact", payTo: payToOf("world-cities") });
    const fx = listing.items.find((item) => item.resource === `${stack.url}/fx-convert`);
    expect(JSON.stringify(fx?.extensions)).toContain('"required":["from","to"]');
    const page = await client.extensions.bazaar.listResources({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.pagination.total).toBe(listing.pagination.total);
  });
});

describe("402claw mcp (stdio, for desktop agents)", () => {
  it("with --exact, pays each call within --max-per-call and --budget, refuses beyond them, and reports what it spent", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        join(REPO_ROOT, "bin/402claw.js"),
        "mcp",
        "--exact",
        "--max-per-call",
        "$0.001",
        "--budget",
        "$0.0025",
      ],
      env: { ...(process.env as Record<string, string>), CLAW_ROOT: project.root },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk) => (stderr += String(chunk)));
    const desktop = new Client({ name: "desktop-agent", version: "1.0.0" });
    await desktop.connect(transport);
    try {
      const { tools } = await desktop.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(
        [...stack.devFile.apis.map((api) => api.slug), "spending_report"].sort(),
      );
      const start = await balanceOf(stack, payer.address);
      const use = async (name: string, args: Record<string, unknown> = {}) => {
        const result = (await desktop.callTool({ name, arguments: args })) as CallToolResult;
        return { result, text: result.content.map((part) => (part as { text: string }).text).join("\n") };
      };
      const spent = async () => start - (await balanceOf(stack, payer.address));

      const cities = await use("world-cities", { filter_name: "Tokyo", fields: "name" });
      expect(cities.result.isError).toBeFalsy();
      expect(cities.result.structuredContent).toMatchObject({ data: [{ name: "Tokyo" }] });
      expect(cities.text).toContain("paid $0.001; spent $0.001 on 1 paid call");
      expect(await spent()).toBe(1000n);

      const dear = await use("fx-convert", { from: "USD", to: "EUR" });
      expect(dear.result.isError).toBe(true);
      expect(dear.text).toContain("not paid: the call costs $0.002, above --max-per-call $0.001");

      const failed = await use("crasher");
      expect(failed.result.isError).toBe(true);
      expect(failed.text).toContain("not charged; spent $0.001 on 1 paid call");
      expect(await spent()).toBe(1000n);

      expect((await use("chemical-elements", { limit: 1 })).result.isError).toBeFalsy();
      expect((await use("world-cities", { limit: 1 })).result.isError).toBeFalsy();
      expect(await spent()).toBe(2500n);

      const over = await use("world-cities", { limit: 1 });
      expect(over.result.isError).toBe(true);
      expect(over.text).toContain("only $0.00 of the --budget $0.0025 is left");
      expect(await spent()).toBe(2500n);

      expect((await use("spending_report")).text).toBe(
        "spent $0.0025 on 3 paid calls; $0.00 of the $0.0025 budget left",
      );
    } finally {
      await desktop.close();
    }
    expect(stderr).toContain("serving");
    await waitFor(
      async () => stderr.includes("402claw mcp: spent $0.0025 on 3 paid calls"),
      "the exit summary",
    );
  });
});
