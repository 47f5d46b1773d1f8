import type { PaymentRequired } from "@x402/core/types";
import { decodeBase64Json, encodeBase64Json } from "../../shared/base64-json.ts";

const HEADER = "payment-required";

/** Replaces the reason of an x402 402 (header and body) with a machine-readable code and a sentence. */
export async function withReason(response: Response, code: string, message: string): Promise<Response> {
  const encoded = response.headers.get(HEADER);
  if (response.status !== 402 || !encoded) return response;
  return reasoned(response, decodeBase64Json(encoded) as PaymentRequired, code, message);
}

function reasoned(response: Response, quote: PaymentRequired, code: string, message: string): Response {
  const required = { ...quote, error: code };
  const headers = new Headers(response.headers);
  headers.set(HEADER, encodeBase64Json(required));
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
  const quote = decodeBase64Json(encoded) as PaymentRequired;
  const sentence = quote.error ?? code;
  if (sentence === code) return response;
  return reasoned(response, quote, code, sentence);
}
