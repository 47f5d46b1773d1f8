import { decodePaymentRequiredHeader } from "@x402/core/http";
import type { PaymentRequired, PaymentRequirements } from "@x402/core/types";

/** What the marketplace asks and answers for the benchmarked request, so the baseline can match it. */
export interface CapturedCall {
  /** The 402's decoded PAYMENT-REQUIRED (signing cost is measured against it). */
  paymentRequired: PaymentRequired;
  /** The marketplace's `exact` offer (what this comparison pays with): price, payTo, asset, EIP-712 domain. */
  requirements: PaymentRequirements;
  /** The paid answer's exact body and content type, served verbatim by the baseline. */
  body: string;
  contentType: string;
}

/** One unpaid request (for the quote) and one paid request (for the answer) against the marketplace. */
export async function captureCall(url: string, pay: typeof fetch): Promise<CapturedCall> {
  const quote = await fetch(url);
  await quote.arrayBuffer();
  const header = quote.headers.get("payment-required");
  if (quote.status !== 402 || !header)
    throw new Error(`expected a 402 quote from ${url}, got ${quote.status}`);
  const paymentRequired = decodePaymentRequiredHeader(header);
  // batch-settlement is offered first; this comparison is about exact (bench/pay-batch.ts covers vouchers).
  const requirements = paymentRequired.accepts.find((offer) => offer.scheme === "exact");
  if (!requirements) throw new Error(`expected an exact offer, got ${paymentRequired.accepts.length} others`);
  const paid = await pay(url);
  const body = await paid.text();
  if (paid.status !== 200)
    throw new Error(`paid call to ${url} answered ${paid.status}: ${body.slice(0, 200)}`);
  return {
    paymentRequired,
    requirements,
    body,
    contentType: paid.headers.get("content-type") ?? "application/json",
  };
}
