import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "../shared/http-error.ts";
import { isPreflight, preflightResponse, withApiCors } from "./api-cors.ts";
import { takeApiCall } from "./api-rate-limit.ts";
import { findApi } from "./api-registry.ts";
import { readBodyWithin } from "./body-limit.ts";
import { sanitizeCreatorResponse, withCreatorGuards } from "./creator-response.ts";
import type { DispatchEnv } from "./env.ts";
import { forwardToCreator } from "./forward.ts";
import { splitApiPath } from "./path-safety.ts";
import { withUsageCharge } from "./payments/usage-charge.ts";
import { chargeFor } from "./payments/x402-gate.ts";
import { dispatchSettings } from "./settings.ts";

type Env = { Bindings: DispatchEnv };
const PAYMENT_HEADERS = ["payment-signature", "x-payment"];

/**
 * Every answer on an API path — the creator's, a 402, an error the platform made for the call — is
 * sandboxed and carries the platform's CORS headers, including errors thrown to `onError`.
 */
export const apiResponseHeaders: MiddlewareHandler<Env> = async (c, next) => {
  await next();
  const answered = withApiCors(withCreatorGuards(c.res));
  // Hono copies the old response's headers onto a new one; clear it first so nothing comes back.
  c.res = undefined;
  c.res = answered;
};

/**
 * One call to a creator API: safe path → known API → bounded body → payment gate → creator.
 * The payment gate decides whether and when the creator runs (DESIGN.md "One paid call").
 */
export async function handleApiCall(c: Context<Env>): Promise<Response> {
  const request = c.req.raw;
  const env = c.env;
  const settings = dispatchSettings(env);
  const path = splitApiPath(request.url);
  if (!path.ok) throw new HttpError(path.status, path.code, path.reason);
  const api = await findApi(env, path.slug, (work) => c.executionCtx.waitUntil(work));
  if (!api)
    throw new HttpError(404, "api_not_found", `no API named '${path.slug}' is published here`, {
      api: path.slug,
    });
  // CORS preflights are the platform's to answer: free, and the creator never runs.
  if (isPreflight(request)) return preflightResponse(request);
  if (request.headers.has("service-worker")) {
    // A service worker runs unsandboxed on the whole origin: creator code is never one.
    throw new HttpError(
      403,
      "service_worker_refused",
      "API responses cannot be registered as service workers",
      {
        api: api.slug,
      },
    );
  }
  // HEAD has no body to deliver, so it is never charged: it gets the free 402 quote.
  if (request.method === "HEAD") c.req.raw = withoutPaymentHeaders(request);
  const limit = api.limits.ratePerMinute;
  // Only calls carrying a payment can run the creator; a 402 quote costs the creator nothing.
  if (limit && PAYMENT_HEADERS.some((name) => c.req.raw.headers.has(name))) {
    const verdict = takeApiCall(api.slug, limit);
    if (!verdict.ok) {
      throw new HttpError(
        429,
        "api_rate_limited",
        `API '${api.slug}' accepts at most ${limit} calls per minute; retry in ${verdict.retryAfterSeconds} s (nothing was charged)`,
        { api: api.slug },
        { "retry-after": String(verdict.retryAfterSeconds) },
      );
    }
  }
  const body = await readBodyWithin(request, settings.maxBodyBytes);
  const pathAndQuery = path.rest + path.search;
  const creator = {
    slug: api.slug,
    publicOrigin: settings.publicOrigin,
    creatorUrl: new URL(pathAndQuery, new URL(request.url).origin).toString(),
  };
  const serve = async () => {
    const raw = await forwardToCreator(env, request, { api, pathAndQuery, body });
    // A usage-priced API's call may cost less than its price (rows returned, or the function's
    // report); the gate charges a voucher that (exact pays the price).
    return withUsageCharge(sanitizeCreatorResponse(raw, creator), raw, api.pricing);
  };
  return chargeFor(c, api, serve);
}

function withoutPaymentHeaders(request: Request): Request {
  const headers = new Headers(request.headers);
  for (const name of PAYMENT_HEADERS) headers.delete(name);
  return new Request(request.url, { method: request.method, headers });
}
