import type { Context } from "hono";
import { errorResponse, HttpError } from "../shared/http-error.ts";
import { takeApiCall } from "./api-rate-limit.ts";
import { findApi } from "./api-registry.ts";
import { DEFAULT_MAX_BODY_BYTES, readBodyWithin } from "./body-limit.ts";
import type { DispatchEnv } from "./env.ts";
import { forwardToCreator } from "./forward.ts";
import { splitApiPath } from "./path-safety.ts";
import { chargeFor } from "./payments/x402-gate.ts";

/**
 * One call to a creator API: safe path → known API → bounded body → payment gate → creator.
 * The payment gate decides whether and when the creator runs (DESIGN.md "One paid call").
 */
export async function handleApiCall(c: Context<{ Bindings: DispatchEnv }>): Promise<Response> {
  const request = c.req.raw;
  const env = c.env;
  const path = splitApiPath(request.url);
  if (!path.ok) return errorResponse(path.status, path.code, path.reason);
  const api = await findApi(env, path.slug, (work) => c.executionCtx.waitUntil(work));
  if (!api)
    return errorResponse(404, "api_not_found", `no API named '${path.slug}' is published here`, {
      api: path.slug,
    });
  const limit = api.limits.ratePerMinute;
  // Only calls carrying a payment can run the creator; a 402 quote costs the creator nothing.
  if (limit && (request.headers.has("payment-signature") || request.headers.has("x-payment"))) {
    const verdict = takeApiCall(api.slug, limit);
    if (!verdict.ok) {
      return errorResponse(
        429,
        "api_rate_limited",
        `API '${api.slug}' accepts at most ${limit} calls per minute; retry in ${verdict.retryAfterSeconds} s (nothing was charged)`,
        { api: api.slug },
        { "retry-after": String(verdict.retryAfterSeconds) },
      );
    }
  }
  try {
    const body = await readBodyWithin(request, Number(env.MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES));
    const serve = () => forwardToCreator(env, request, { api, pathAndQuery: path.rest + path.search, body });
    return await chargeFor(c, api, serve);
  } catch (error) {
    if (error instanceof HttpError) return error.toResponse();
    throw error;
  }
}
