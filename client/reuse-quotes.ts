import type { PaymentRequired } from "@x402/core/types";
import { wrapFetchWithPayment, type x402Client, x402HTTPClient } from "@x402/fetch";

/**
 * The official x402 fetch wrapper, paying in one round trip once a resource's 402 is known.
 *
 * @x402/fetch sends every call unpaid first and pays only after the 402 comes back: two round trips
 * per paid call, for a payment channel's voucher as for anything else. This remembers each 402 by
 * method and URL and, on the next call to the same URL, signs the payment for that quote at once
 * (the SDK's client and schemes, unchanged). When the server refuses it with a 402 (the price
 * changed, or a batch-settlement channel's state moved on: the corrective 402, from which the
 * scheme resyncs), it pays once more with the quote that 402 carried, as the official flow would
 * after its probe. A refused payment is never charged, so nothing is paid twice.
 */
export function wrapFetchReusingQuotes(baseFetch: typeof fetch, client: x402Client): typeof fetch {
  const http = new x402HTTPClient(client);
  const quotes = new Map<string, PaymentRequired>();
  const quoteOf = (response: Response): PaymentRequired | undefined => {
    try {
      return http.getPaymentRequiredResponse((name) => response.headers.get(name));
    } catch {
      return undefined;
    }
  };
  // The official flow, noting each quote it is given.
  const noting: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    const quote = response.status === 402 ? quoteOf(response) : undefined;
    if (quote) quotes.set(quoteKey(new Request(input, init)), quote);
    return response;
  };
  const official = wrapFetchWithPayment(noting, http);
  const payFor = async (request: Request, quote: PaymentRequired): Promise<Response> => {
    const payload = await client.createPaymentPayload(quote);
    for (const [name, value] of Object.entries(http.encodePaymentSignatureHeader(payload)))
      request.headers.set(name, value);
    const response = await baseFetch(request);
    await http.processPaymentResult(payload, (name) => response.headers.get(name), response.status);
    return response;
  };

  return async (input, init) => {
    const request = new Request(input, init);
    const key = quoteKey(request);
    const quote = quotes.get(key);
    const alreadyPaid = request.headers.has("payment-signature") || request.headers.has("x-payment");
    if (!quote || alreadyPaid) return official(request);
    const retry = request.clone();
    const response = await payFor(request, quote);
    if (response.status !== 402) return response;
    const fresh = quoteOf(response);
    if (!fresh) {
      quotes.delete(key);
      return response;
    }
    await response.body?.cancel();
    quotes.set(key, fresh);
    return payFor(retry, fresh);
  };
}

function quoteKey(request: Request): string {
  return `${request.method} ${request.url}`;
}
