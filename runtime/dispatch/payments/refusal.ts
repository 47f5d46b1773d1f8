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

/** x402's own sentences, as codes: every 402 reason is machine-readable. */
const LIBRARY_REASONS: Array<[RegExp, string]> = [
  [/^payment required$/i, "payment_required"],
  [/^unsupported x402 version/i, "unsupported_x402_version"],
  [/^no matching payment requirements$/i, "requirements_mismatch"],
];

/** Normalises a 402's reason to a snake_case code (x402 and facilitator codes already are). */
export async function withCodedReason(response: Response): Promise<Response> {
  const encoded = response.headers.get(HEADER);
  if (response.status !== 402 || !encoded) return response;
  const reason = decodePaymentRequiredHeader(encoded).error ?? "";
  const match = LIBRARY_REASONS.find(([pattern]) => pattern.test(reason));
  return match ? withReason(response, match[1], reason) : response;
}
