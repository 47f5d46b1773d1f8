import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { x402Client } from "@x402/core/client";
import type { PaymentPayload, PaymentRequired, SettleResponse } from "@x402/core/types";

/** x402's MCP transport keys (specs/transports-v2/mcp.md). */
export const PAYMENT_META = "x402/payment";
export const PAYMENT_RESPONSE_META = "x402/payment-response";

/** A paid tool call: the result, the payload that was last sent, and the settlement if it was charged. */
export interface PaidToolResult {
  result: CallToolResult;
  payload: PaymentPayload;
  settlement?: SettleResponse;
  /** Why the x402 client could not take in the payment response (the call's outcome stands). */
  clientError?: string;
}

/** A signed payment was sent but no answer came back: the gateway may have charged it. */
export class UnansweredPaymentError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "UnansweredPaymentError";
  }
}

/** A batch-settlement payload as far as the session needs it: deposit or voucher, on which channel. */
interface BatchPayload {
  type?: string;
  voucher?: { channelId?: string };
  deposit?: { amount?: string };
}

/** The PaymentRequired of an unpaid (or refused) call's result (x402's MCP transport), if that is what it is. */
export function paymentRequiredOf(result: CallToolResult): PaymentRequired | undefined {
  if (!result.isError) return undefined;
  const structured = result.structuredContent as Partial<PaymentRequired> | undefined;
  if (structured?.x402Version && Array.isArray(structured.accepts)) return structured as PaymentRequired;
  const first = result.content?.[0];
  if (first?.type !== "text") return undefined;
  try {
    const wrapped = JSON.parse(first.text) as { "x402/error"?: { data?: PaymentRequired } };
    return wrapped["x402/error"]?.data;
  } catch {
    return undefined;
  }
}

/**
 * Pays one tool call over x402's MCP transport with the official x402 client: the payload in
 * `_meta["x402/payment"]`, then the result's `_meta["x402/payment-response"]` (or its corrective
 * PaymentRequired) handed to the client's hooks, which keep batch-settlement channel state. When
 * those hooks recover a channel whose state was stale or lost, the call is retried once with a
 * fresh payload; the stale voucher was refused, so nothing was charged for it.
 */
export async function payToolCall(
  upstream: Client,
  payer: x402Client,
  request: { name: string; arguments: Record<string, unknown> },
  required: PaymentRequired,
): Promise<PaidToolResult> {
  for (let attempt = 0; ; attempt++) {
    const payload = await payer.createPaymentPayload(required);
    let result: CallToolResult;
    try {
      result = (await upstream.callTool({
        ...request,
        _meta: { [PAYMENT_META]: payload },
      })) as CallToolResult;
    } catch (error) {
      throw new UnansweredPaymentError(error);
    }
    const settlement = result._meta?.[PAYMENT_RESPONSE_META] as SettleResponse | undefined;
    const paid = { result, payload, ...(settlement ? { settlement } : {}) };
    const corrective = settlement ? undefined : paymentRequiredOf(result);
    let recovered = false;
    try {
      const outcome = await payer.handlePaymentResponse({
        paymentPayload: payload,
        requirements: payload.accepted,
        ...(settlement ? { settleResponse: settlement } : {}),
        ...(corrective ? { paymentRequired: corrective } : {}),
      });
      recovered = outcome?.recovered === true;
    } catch (error) {
      // The gateway has answered (and may have charged): that stands, whatever the client thinks of it.
      return { ...paid, clientError: error instanceof Error ? error.message : String(error) };
    }
    if (!recovered || attempt > 0) return paid;
  }
}

/**
 * What a settled call charged: a batch-settlement voucher says so (`extra.chargedAmount`, at most
 * the price: usage-priced APIs charge less); exact charges the accepted amount. Nothing when the
 * call was not settled.
 */
export function chargedBy(paid: PaidToolResult): bigint {
  if (paid.settlement?.success !== true) return 0n;
  const price = BigInt(paid.payload.accepted.amount);
  const reported = paid.settlement.extra?.chargedAmount;
  if (typeof reported !== "string" || !/^\d+$/.test(reported)) return price;
  return BigInt(reported) < price ? BigInt(reported) : price;
}

/** The deposit a settled batch-settlement call put into its channel (0 for vouchers and exact). */
export function depositBy(paid: PaidToolResult): bigint {
  if (paid.settlement?.success !== true) return 0n;
  const batch = paid.payload.payload as BatchPayload;
  return batch.type === "deposit" && batch.deposit?.amount ? BigInt(batch.deposit.amount) : 0n;
}

/** The payment channel a batch-settlement payload paid through, if it is one. */
export function channelOf(payload: PaymentPayload): string | undefined {
  return (payload.payload as BatchPayload).voucher?.channelId;
}
