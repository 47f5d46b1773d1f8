import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { x402Client } from "@x402/core/client";
import type { PaymentRequired } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { SpendingBudget } from "./mcp-budget.ts";
import { payingProxy } from "./mcp-proxy.ts";

// The proxy between a desktop agent and a gateway, both ends real MCP peers in memory; the gateway
// stand-in answers like /mcp (a 402 PaymentRequired, then whatever the case needs).
const asset = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const required: PaymentRequired = {
  x402Version: 2,
  resource: { url: "http://127.0.0.1/world-cities", description: "", mimeType: "application/json" },
  accepts: [
    {
      scheme: "exact",
      network: "eip155:31337",
      asset,
      amount: "1000",
      payTo: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      maxTimeoutSeconds: 60,
      extra: { name: "USD Coin", version: "2" },
    },
  ],
};

async function connect(server: Server, client: Client): Promise<void> {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  await server.connect(serverEnd);
  await client.connect(clientEnd);
}

async function proxied(answerPaid: () => CallToolResult, spending: SpendingBudget) {
  const gateway = new Server({ name: "gateway", version: "1" }, { capabilities: { tools: {} } });
  gateway.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
  gateway.setRequestHandler(CallToolRequestSchema, async (call) => {
    if (!call.params._meta?.["x402/payment"])
      return { isError: true, structuredContent: required, content: [{ type: "text", text: "{}" }] };
    return answerPaid();
  });
  const upstream = new Client({ name: "402claw-mcp", version: "1" });
  await connect(gateway, upstream);
  const payer = new x402Client()
    .register("eip155:31337", new ExactEvmScheme(privateKeyToAccount(generatePrivateKey())))
    .setSpendControls({ allowedAssets: [{ network: "eip155:31337", asset }] });
  const desktop = new Client({ name: "desktop", version: "1" });
  await connect(payingProxy({ upstream, spending, payer }), desktop);
  return async (name: string) => {
    const result = (await desktop.callTool({ name, arguments: {} })) as CallToolResult;
    return { result, text: result.content.map((part) => (part as { text: string }).text).join("\n") };
  };
}

describe("payingProxy", () => {
  it("counts a paid call that got no answer as spent (the gateway may have charged it)", async () => {
    const use = await proxied(() => {
      throw new McpError(ErrorCode.InternalError, "the gateway went away");
    }, new SpendingBudget(1000n, 2500n));
    const lost = await use("world-cities");
    expect(lost.result.isError).toBe(true);
    expect(lost.text).toContain("the paid call got no answer");
    expect(lost.text).toContain("it may have been charged, so it counts as $0.001 spent");
    expect((await use("spending_report")).text).toBe(
      "spent $0.001 on 1 paid call; $0.0015 of the $0.0025 budget left",
    );
  });

  it("counts nothing for a paid call that answered without a settlement (a failed call)", async () => {
    const use = await proxied(
      () => ({ isError: true, content: [{ type: "text", text: "the API failed" }] }),
      new SpendingBudget(1000n, 2500n),
    );
    expect((await use("world-cities")).text).toContain("not charged; spent $0.00 on 0 paid calls");
  });
});
