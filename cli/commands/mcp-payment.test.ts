import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { PaymentPayload } from "@x402/core/types";
import { describe, expect, it } from "vitest";
import {
  channelOf,
  chargedBy,
  depositBy,
  type PaidToolResult,
  paymentRequiredOf,
  payToolCall,
  UnansweredPaymentError,
} from "./mcp-payment.ts";
import { TEST_QUOTE, testPayer } from "./mcp-test-quote.ts";

const accepted = { scheme: "batch-settlement", network: "eip155:31337", amount: "1000" };
const paid = (payload: unknown, settlement?: Record<string, unknown>): PaidToolResult =>
  ({
    result: { content: [] },
    payload: { x402Version: 2, accepted, payload } as unknown as PaymentPayload,
    ...(settlement ? { settlement } : {}),
  }) as PaidToolResult;
const voucher = { type: "voucher", voucher: { channelId: "0xc0ffee", maxClaimableAmount: "2000" } };
const deposit = { type: "deposit", voucher: voucher.voucher, deposit: { amount: "5000" } };

describe("what a paid tool call charged", () => {
  it("is the voucher's chargedAmount (below the price for usage-priced APIs), capped at the price", () => {
    expect(chargedBy(paid(voucher, { success: true, extra: { chargedAmount: "400" } }))).toBe(400n);
    expect(chargedBy(paid(voucher, { success: true, extra: { chargedAmount: "9000" } }))).toBe(1000n);
  });

  it("is the accepted amount for exact, and nothing for a call that was not settled", () => {
    expect(chargedBy(paid({ authorization: {} }, { success: true, transaction: "0x1" }))).toBe(1000n);
    expect(chargedBy(paid(voucher))).toBe(0n);
    expect(chargedBy(paid(voucher, { success: false }))).toBe(0n);
  });

  it("names a settled deposit and the channel, and nothing else", () => {
    expect(depositBy(paid(deposit, { success: true }))).toBe(5000n);
    expect(depositBy(paid(deposit))).toBe(0n); // a failed call: the deposit was not made
    expect(depositBy(paid(voucher, { success: true }))).toBe(0n);
    expect(channelOf(paid(deposit).payload)).toBe("0xc0ffee");
    expect(channelOf(paid({ authorization: {} }).payload)).toBeUndefined();
  });
});

describe("paymentRequiredOf", () => {
  const required = { x402Version: 2, accepts: [accepted], resource: { url: "http://x/y" } };

  it("reads the PaymentRequired from structuredContent or from the wrapped text", () => {
    expect(paymentRequiredOf({ isError: true, content: [], structuredContent: required })).toEqual(required);
    const text = JSON.stringify({ "x402/error": { code: 402, message: "pay", data: required } });
    expect(paymentRequiredOf({ isError: true, content: [{ type: "text", text }] })).toEqual(required);
  });

  it("finds none in a successful result or an ordinary tool error", () => {
    expect(paymentRequiredOf({ content: [], structuredContent: required })).toBeUndefined();
    expect(paymentRequiredOf({ isError: true, content: [{ type: "text", text: "boom" }] })).toBeUndefined();
  });
});

describe("payToolCall", () => {
  // Exact payloads are signed locally (no chain needed); the gateway is a stand-in for its answers.
  const required = TEST_QUOTE;
  const payer = testPayer;
  const gateway = (callTool: Client["callTool"]) => ({ callTool }) as unknown as Client;
  const request = { name: "world-cities", arguments: {} };

  it("sends the payload in _meta and returns the settlement from the result's _meta", async () => {
    const sent: unknown[] = [];
    const settlement = { success: true, transaction: "0xabc", network: "eip155:31337" };
    const paid = await payToolCall(
      gateway(async (params) => {
        sent.push(params._meta?.["x402/payment"]);
        return { content: [], _meta: { "x402/payment-response": settlement } };
      }),
      payer(),
      request,
      required,
    );
    expect(sent).toEqual([paid.payload]);
    expect(paid.settlement).toEqual(settlement);
    expect(chargedBy(paid)).toBe(1000n);
  });

  it("says so when a signed payment got no answer (it may have been charged)", async () => {
    const unanswered = payToolCall(
      gateway(async () => {
        throw new Error("socket hang up");
      }),
      payer(),
      request,
      required,
    );
    await expect(unanswered).rejects.toBeInstanceOf(UnansweredPaymentError);
  });

  it("keeps a charged call's settlement when the x402 client cannot take in the response", async () => {
    const client = payer().onPaymentResponse(async () => {
      throw new Error("channel file is read-only");
    });
    const settlement = { success: true, transaction: "0xabc", network: "eip155:31337" };
    const paid = await payToolCall(
      gateway(async () => ({ content: [], _meta: { "x402/payment-response": settlement } })),
      client,
      request,
      required,
    );
    expect(paid.clientError).toBe("channel file is read-only");
    expect(chargedBy(paid)).toBe(1000n);
  });
});
