import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
} from "@x402/core/http";
import type { PaymentPayload } from "@x402/core/types";
import type { ApiRecord } from "../api-record.ts";
import { requestFor } from "../discovery/api-arguments.ts";

/** x402's MCP transport keys (specs/transports-v2/mcp.md). */
export const PAYMENT_META = "x402/payment";
export const PAYMENT_RESPONSE_META = "x402/payment-response";

/** Runs one HTTP request through the gateway's own API path (the same gate, ledger and money rules). */
export type CallApi = (request: Request) => Promise<Response>;

/**
 * One MCP tool call as the HTTP call it stands for: the arguments become the API's query (or JSON
 * body), the `_meta["x402/payment"]` payload becomes the PAYMENT-SIGNATURE header, and the answer
 * is mapped back per x402's MCP transport. The payload is passed through untouched, whatever its
 * scheme: verifying, claiming and settling it is the HTTP gate's job, not this adapter's.
 */
export async function callApiTool(
  api: ApiRecord,
  args: Record<string, unknown>,
  payment: unknown,
  origin: string,
  callApi: CallApi,
): Promise<CallToolResult> {
  const { url, init } = requestFor(api, origin, args);
  const headers = new Headers(init.headers);
  if (payment !== undefined) {
    if (typeof payment !== "object" || payment === null || Array.isArray(payment)) {
      return failure(`_meta["${PAYMENT_META}"] must be an x402 PaymentPayload object`, {
        error: { code: "invalid_payment", message: "the payment is not a PaymentPayload object" },
      });
    }
    headers.set("payment-signature", encodePaymentSignatureHeader(payment as PaymentPayload));
  }
  const response = await callApi(new Request(url, { ...init, headers }));
  const text = await response.text();
  const required = response.headers.get("payment-required");
  if (response.status === 402 && required) return paymentRequired(required, text);
  const settlement = response.headers.get("payment-response");
  const meta = settlement
    ? { _meta: { [PAYMENT_RESPONSE_META]: decodePaymentResponseHeader(settlement) } }
    : {};
  const structured = jsonObject(text);
  if (!response.ok) {
    return { ...failure(text || `the API answered ${response.status}`, structured), ...meta };
  }
  return {
    content: [{ type: "text", text }],
    ...(structured ? { structuredContent: structured } : {}),
    ...meta,
  };
}

/** The 402 as x402's MCP transport has it: the PaymentRequired in structuredContent and, wrapped, in the text. */
function paymentRequired(header: string, body: string): CallToolResult {
  const required = decodePaymentRequiredHeader(header);
  const explained = jsonObject(body);
  const message =
    typeof explained?.message === "string" ? explained.message : (required.error ?? "payment required");
  return {
    isError: true,
    structuredContent: required as unknown as Record<string, unknown>,
    content: [
      { type: "text", text: JSON.stringify({ "x402/error": { code: 402, message, data: required } }) },
    ],
  };
}

function failure(text: string, structured?: Record<string, unknown>): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text }],
    ...(structured ? { structuredContent: structured } : {}),
  };
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
