// The outbound worker's request handler: every fetch a creator's code makes arrives here
// (Workers for Platforms outbound worker), is judged, rate limited and only then sent on.
// Kept free of `cloudflare:workers` imports so it can be tested in Node with a fake fetch.

import { beforeDeadline, TIMED_OUT } from "../shared/deadline.ts";
import { judgeDestination } from "./egress-policy.ts";
import { checkEgressRate, type RateLimiter } from "./egress-rate-limit.ts";

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
  EGRESS_LIMITER?: RateLimiter;
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

type MarkerValue = "denied" | "error";

function jsonError(status: number, code: string, message: string, marker: MarkerValue): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "x-402claw-egress": marker },
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

/** Parse RESOLVE_OVERRIDES into hostname → origin; throws with a clear message when malformed. */
export function parseResolveOverrides(raw: string | undefined): Map<string, string> {
  const overrides = new Map<string, string>();
  if (raw === undefined || raw.trim() === "") return overrides;
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error("RESOLVE_OVERRIDES must be a JSON object of hostname → origin");
  }
  for (const [host, origin] of Object.entries(parsed)) {
    if (typeof origin !== "string" || !/^https?:\/\//.test(origin)) {
      throw new Error(`RESOLVE_OVERRIDES["${host}"] must be an http(s) origin such as http://127.0.0.1:8790`);
    }
    overrides.set(host.toLowerCase().replace(/\.$/, ""), new URL(origin).origin);
  }
  return overrides;
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
  const verdict = judgeDestination(request.url, parseAllowlist(params.egress));
  if (!verdict.allowed) {
    console.warn(
      JSON.stringify({ event: "egress_denied", slug: params.slug, code: verdict.code, url: request.url }),
    );
    return jsonError(verdict.status, verdict.code, verdict.reason, "denied");
  }

  const rate = await checkEgressRate(env.EGRESS_LIMITER, params.owner || params.slug);
  if (!rate.allowed) return jsonError(rate.status, rate.code, rate.reason, "denied");
  if (rate.degraded)
    console.warn(
      JSON.stringify({ event: "egress_limiter_degraded", slug: params.slug, detail: rate.degraded }),
    );

  let target: string;
  try {
    target = upstreamUrl(request.url, verdict.hostname, parseResolveOverrides(env.RESOLVE_OVERRIDES));
  } catch (error) {
    return jsonError(
      500,
      "bad_resolve_overrides",
      `The outbound worker is misconfigured: ${String(error)}`,
      "error",
    );
  }

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
    return jsonError(
      502,
      "upstream_unreachable",
      `The upstream could not be reached: ${String(error)}`,
      "error",
    );
  }
  if (upstream === TIMED_OUT) {
    controller.abort();
    return jsonError(504, "upstream_timeout", `The upstream did not answer within ${timeoutMs} ms.`, "error");
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: cleanHeaders(upstream.headers, false),
  });
}
