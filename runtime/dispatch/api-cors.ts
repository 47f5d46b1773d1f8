// CORS for the paid APIs is the platform's decision, never a creator's: any site may call an API
// and read its answer, because the payment signature, not an ambient cookie, is what authorises a
// call. Credentials are never allowed, so no browser ever sends the marketplace's cookies along.

/** Methods a browser may use on an API. */
const ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
/** Request headers allowed when a preflight names none we can echo: the ones x402 clients send. */
const DEFAULT_ALLOWED_HEADERS =
  "Content-Type, Accept, PAYMENT-SIGNATURE, X-PAYMENT, Access-Control-Expose-Headers";
/** What a browser client must read to pay (the 402's quote, the receipt) and to back off. */
const EXPOSED_HEADERS = "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE, Retry-After, *";
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/** The CORS headers every API response carries (402s and errors too). */
export const API_CORS_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": EXPOSED_HEADERS,
};

/** Whether a request is a CORS preflight (answered by the platform, free, without the creator). */
export function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS";
}

/** The answer to a preflight for an API path: allowed, no payment, the creator never runs. */
export function preflightResponse(request: Request): Response {
  const asked = request.headers.get("access-control-request-headers")?.trim() ?? "";
  return new Response(null, {
    status: 204,
    headers: {
      ...API_CORS_HEADERS,
      "access-control-allow-methods": ALLOWED_METHODS,
      // Echoing is safe without credentials; anything malformed falls back to the x402 set.
      "access-control-allow-headers": asked && HEADER_LIST.test(asked) ? asked : DEFAULT_ALLOWED_HEADERS,
      "access-control-max-age": PREFLIGHT_MAX_AGE_SECONDS,
      vary: "Access-Control-Request-Headers",
      allow: `OPTIONS, ${ALLOWED_METHODS}`,
    },
  });
}

/** Sets the platform's CORS headers on an API response. */
export function withApiCors(response: Response): Response {
  const answered = new Response(response.body, response);
  for (const [name, value] of Object.entries(API_CORS_HEADERS)) answered.headers.set(name, value);
  return answered;
}
