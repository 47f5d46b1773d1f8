// The outbound worker's request handler: every fetch a creator's code makes arrives here
// (Workers for Platforms outbound worker), is judged, rate limited and only then sent on.
// Kept free of `cloudflare:workers` imports so it can be tested in Node with a fake fetch.

import { BINDINGS } from "../../core/bindings.ts";
import { beforeDeadline, TIMED_OUT } from "../shared/deadline.ts";
import { errorResponse, HttpError } from "../shared/http-error.ts";
import { judgeDestination } from "./egress-policy.ts";
import type { RateLimiter } from "./egress-rate-limit.ts";
import { checkEgressRate } from "./egress-rate-limit.ts";
import { outboundSettings } from "./outbound-settings.ts";

export { parseResolveOverrides } from "./outbound-settings.ts";

/** Creator identity from the dispatch worker's outbound params (all strings). */
export interface OutboundParams {
  /** API slug. */
  slug: string;
  /** Creator wallet address. */
  owner: string;
  /** The API's egress allowlist, comma-separated. */
  egress: string;
}

/** Bindings and vars of the outbound worker; in production the params arrive on `env` too. */
export interface OutboundEnv extends Partial<OutboundParams> {
  [BINDINGS.egressLimiter]?: RateLimiter;
  /** Local stack only: JSON map of hostname → origin, e.g. {"api.frankfurter.app":"http://127.0.0.1:8790"}. */
  RESOLVE_OVERRIDES?: string;
}

/** Test seams and tunables for `handleOutbound`. */
export interface OutboundOptions {
  fetchImpl?: typeof fetch;
  /** How long to wait for the upstream's response headers; default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

// Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * The outbound worker's one error handler: the platform's JSON error shape, marked for the creator's
 * runtime as a refusal (`denied`, 4xx) or a failure (`error`, 5xx).
 */
function outboundErrorResponse(error: unknown): Response {
  const known = error instanceof HttpError;
  if (!known) console.error("outbound worker fault", error);
  const { status, code, message, details } = known
    ? error
    : { status: 500, code: "internal_error", message: "the outbound worker failed", details: {} };
  return errorResponse(status, code, message, details, {
    "x-402claw-egress": status < 500 ? "denied" : "error",
  });
}

/** Copy headers without hop-by-hop ones, those the Connection header names, and platform-internal ones. */
function cleanHeaders(source: Headers, dropHost: boolean): Headers {
  const named = new Set(
    (source.get("connection") ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers = new Headers();
  source.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) return;
    // Platform signals must neither leak upstream nor be spoofable by an upstream response.
    if (lower.startsWith("x-402claw-")) return;
    if (dropHost && lower === "host") return;
    headers.append(name, value);
  });
  return headers;
}

function parseAllowlist(egress: string): string[] {
  return egress
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/** Where the request really goes: the asked-for URL, or the local stack's override origin (same path and query). */
function upstreamUrl(requestUrl: string, hostname: string, overrides: Map<string, string>): string {
  const origin = overrides.get(hostname);
  if (origin === undefined) return requestUrl;
  const asked = new URL(requestUrl);
  return new URL(`${asked.pathname}${asked.search}`, origin).toString();
}

/** Judge, rate limit and forward one outgoing request from a creator's code. */
export async function handleOutbound(
  request: Request,
  params: OutboundParams,
  env: OutboundEnv,
  options: OutboundOptions = {},
): Promise<Response> {
  try {
    return await forwardOutbound(request, params, env, options);
  } catch (error) {
    return outboundErrorResponse(error);
  }
}

async function forwardOutbound(
  request: Request,
  params: OutboundParams,
  env: OutboundEnv,
  options: OutboundOptions,
): Promise<Response> {
  const settings = outboundSettings(env);
  const verdict = judgeDestination(request.url, parseAllowlist(params.egress));
  if (!verdict.allowed) {
    console.warn(
      JSON.stringify({ event: "egress_denied", slug: params.slug, code: verdict.code, url: request.url }),
    );
    throw new HttpError(verdict.status, verdict.code, verdict.reason);
  }

  const rate = await checkEgressRate(settings.egressLimiter, params.owner || params.slug);
  if (!rate.allowed) throw new HttpError(rate.status, rate.code, rate.reason);
  if (rate.degraded)
    console.warn(
      JSON.stringify({ event: "egress_limiter_degraded", slug: params.slug, detail: rate.degraded }),
    );

  const target = upstreamUrl(request.url, verdict.hostname, settings.resolveOverrides);

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  // redirect: "manual" hands a 3xx back to the creator's runtime, whose next hop comes through
  // this policy again; following it here would let an allowed host redirect us to an internal one.
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers: cleanHeaders(request.headers, true),
    body: request.body,
    redirect: "manual",
    signal: controller.signal,
    duplex: "half",
  };
  let upstream: Response | typeof TIMED_OUT;
  try {
    // Race our own timer instead of trusting the fetch to honour its signal: we must never
    // hang. The limit covers the wait for response headers; the body then streams within the
    // creator worker's own time limits.
    upstream = await beforeDeadline((options.fetchImpl ?? fetch)(new Request(target, init)), timeoutMs);
  } catch (error) {
    throw new HttpError(502, "upstream_unreachable", `The upstream could not be reached: ${String(error)}`);
  }
  if (upstream === TIMED_OUT) {
    controller.abort();
    throw new HttpError(504, "upstream_timeout", `The upstream did not answer within ${timeoutMs} ms.`);
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: cleanHeaders(upstream.headers, false),
  });
}
