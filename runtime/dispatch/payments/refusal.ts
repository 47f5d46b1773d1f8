import { decodePaymentRequiredHeader, encodePaymentRequiredHeader } from "@x402/core/http";

const HEADER = "payment-required";

/** Replaces the reason of an x402 402 (header and body) with a machine-readable code and a sentence. */
export async function withReason(response: Response, code: string, message: string): Promise<Response> {
  const encoded = response.headers.get(HEADER);
  if (response.status !== 402 || !encoded) return response;
  const required = { ...decodePaymentRequiredHeader(encoded), error: code };
  const headers = new Headers(response.headers);
  headers.set(HEADER, encodePaymentRequiredHeader(required));
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  return new Response(JSON.stringify({ ...required, message }), { status: 402, headers });
}

/**
 * Gives a 402 the code of the refusal that caused it. The code is what the call recorded from x402's
 * typed results (a verify result's `invalidReason`, a hook's abort reason, a `SettleError`'s
 * `errorReason`); x402's own sentence stays as the message.
 */
export async function withCodedReason(response: Response, code: string): Promise<Response> {
  const encoded = response.headers.get(HEADER);
  if (response.status !== 402 || !encoded) return response;
  const sentence = decodePaymentRequiredHeader(encoded).error ?? code;
  if (sentence === code) return response;
  return withReason(response, code, sentence);
}
