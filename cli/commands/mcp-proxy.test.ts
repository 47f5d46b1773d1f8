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
import type { PaymentPayload, PaymentRequired } from "@x402/core/types";
import { describe, expect, it } from "vitest";
import { SpendingBudget } from "./mcp-budget.ts";
import { payingProxy } from "./mcp-proxy.ts";
import { TEST_QUOTE, testPayer } from "./mcp-test-quote.ts";

// The proxy between a desktop agent and a gateway, both ends real MCP peers in memory; the gateway
// stand-in answers like /mcp (a 402 PaymentRequired, then whatever the case needs).
const required = TEST_QUOTE;

async function connect(server: Server, client: Client): Promise<void> {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  await server.connect(serverEnd);
  await client.connect(clientEnd);
}

/** An unpaid (or refused) call's answer on x402's MCP transport. */
const quote = (offer: PaymentRequired): CallToolResult => ({
  isError: true,
  structuredContent: offer as unknown as Record<string, unknown>,
  content: [{ type: "text", text: "{}" }],
});

/** A settled call's answer. */
const settled = (payload: PaymentPayload): CallToolResult => ({
  content: [{ type: "text", text: "the answer" }],
  _meta: {
    "x402/payment-response": {
      success: true,
      transaction: `0x${"ab".repeat(32)}`,
      network: payload.accepted.network,
      payer: "0x0000000000000000000000000000000000000001",
    },
  },
});

/** The gateway stand-in: the 402 quote unpaid, `answerPaid` for a paid call. */
const quotingThen =
  (answerPaid: (payload: PaymentPayload) => CallToolResult) => (payload: PaymentPayload | undefined) =>
    payload ? answerPaid(payload) : quote(required);

async function proxied(
  answer: (payload: PaymentPayload | undefined) => CallToolResult,
  spending: SpendingBudget,
) {
  const gateway = new Server({ name: "gateway", version: "1" }, { capabilities: { tools: {} } });
  gateway.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
  gateway.setRequestHandler(CallToolRequestSchema, async (call) =>
    answer(call.params._meta?.["x402/payment"] as PaymentPayload | undefined),
  );
  const upstream = new Client({ name: "402claw-mcp", version: "1" });
  await connect(gateway, upstream);
  const payer = testPayer();
  const desktop = new Client({ name: "desktop", version: "1" });
  await connect(payingProxy({ upstream, spending, payer }), desktop);
  return async (name: string) => {
    const result = (await desktop.callTool({ name, arguments: {} })) as CallToolResult;
    return { result, text: result.content.map((part) => (part as { text: string }).text).join("\n") };
  };
}

describe("payingProxy", () => {
  it("counts a paid call that got no answer as spent (the gateway may have charged it)", async () => {
    const use = await proxied(
      quotingThen(() => {
        throw new McpError(ErrorCode.InternalError, "the gateway went away");
      }),
      new SpendingBudget(1000n, 2500n),
    );
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
      quotingThen(() => ({ isError: true, content: [{ type: "text", text: "the API failed" }] })),
      new SpendingBudget(1000n, 2500n),
    );
    expect((await use("world-cities")).text).toContain("not charged; spent $0.00 on 0 paid calls");
  });

  it("pays a tool's later calls in one request, with the quote its first call got", async () => {
    const seen: string[] = [];
    const use = await proxied((payload) => {
      seen.push(payload ? `paid ${payload.accepted.amount}` : "unpaid");
      return payload ? settled(payload) : quote(required);
    }, new SpendingBudget(1000n, 10_000n));
    for (let call = 0; call < 3; call++) expect((await use("world-cities")).result.isError).toBeFalsy();
    expect(seen).toEqual(["unpaid", "paid 1000", "paid 1000", "paid 1000"]);
    expect((await use("spending_report")).text).toContain("spent $0.003 on 3 paid calls");
  });

  it("asks for the quote again when the gateway refuses the one it reused (the price changed); the refusal costs nothing", async () => {
    const seen: string[] = [];
    let price = "1000";
    const offer = () => ({ ...required, accepts: [{ ...required.accepts[0]!, amount: price }] });
    const use = await proxied((payload) => {
      seen.push(payload ? `paid ${payload.accepted.amount}` : "unpaid");
      if (!payload) return quote(offer());
      return payload.accepted.amount === price ? settled(payload) : quote(offer());
    }, new SpendingBudget(5000n, 10_000n));
    expect((await use("world-cities")).result.isError).toBeFalsy();
    price = "2000";
    const repriced = await use("world-cities");
    expect(repriced.result.isError).toBeFalsy();
    expect(repriced.text).toContain("paid $0.002");
    expect(seen).toEqual(["unpaid", "paid 1000", "paid 1000", "unpaid", "paid 2000"]);
    expect((await use("spending_report")).text).toContain("spent $0.003 on 2 paid calls");
  });
});
