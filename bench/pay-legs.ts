import { performance } from "node:perf_hooks";
import { decodePaymentSignatureHeader } from "@x402/core/http";

/** One paid request, by its authorization's nonce, on the same clock as the timing proxy. */
export interface PaidLeg {
  nonce: string;
  start: number;
  end: number;
}

/**
 * The two HTTP legs of one paid call, timed separately: the unpaid request that gets the 402
 * quote, and the paid retry (verify, serve, settle). What a paid call takes beyond the two is
 * the client's own work (choosing, signing, encoding).
 */
export interface Legs {
  quote: number[];
  paid: PaidLeg[];
}

export const emptyLegs = (): Legs => ({ quote: [], paid: [] });

/**
 * A `fetch` for createPayingFetch to build on, recording each leg's time to response headers
 * (both answers are small and fully buffered by the server, so headers mark the work done).
 */
export function legTimedFetch(legs: Legs, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const signature = new Request(input, init).headers.get("payment-signature");
    const start = performance.now();
    const response = await base(input, init);
    const end = performance.now();
    if (response.status === 402 && !signature) legs.quote.push(end - start);
    else if (signature) legs.paid.push({ nonce: nonceOf(signature), start, end });
    return response;
  };
}

function nonceOf(header: string): string {
  const payload = decodePaymentSignatureHeader(header).payload as { authorization?: { nonce?: string } };
  return payload.authorization?.nonce?.toLowerCase() ?? "";
}
