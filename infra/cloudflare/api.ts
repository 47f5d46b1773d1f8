// A tiny Cloudflare API v4 client built on global `fetch`. The dynamic providers' closures are
// serialised by Pulumi, so this module holds plain functions only (no classes, no SDK, no
// node: imports) and reads the token and base URL when a call is made, never at import.

/** How hard to retry 429 and 5xx answers (and network failures). */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Everything a call needs; built per provider call so rotated tokens are picked up. */
export interface CloudflareContext {
  token: string;
  baseUrl: string;
  retry: RetryPolicy;
}

export const CLOUDFLARE_API_BASE_URL = "https://api.cloudflare.com/client/v4";
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * The call context: token from stack config (`cloudflare:apiToken`, handed to the provider's
 * `configure`) or `CLOUDFLARE_API_TOKEN`; `CLOUDFLARE_API_BASE_URL` points tests at a fake.
 */
export function cloudflareContext(
  configuredToken: string | undefined,
  retry: RetryPolicy = DEFAULT_RETRY,
): CloudflareContext {
  const token = configuredToken || process.env.CLOUDFLARE_API_TOKEN;
  if (!token) {
    throw new Error(
      "no Cloudflare API token. Fix: `pulumi config set --secret cloudflare:apiToken <token>` or export CLOUDFLARE_API_TOKEN",
    );
  }
  const baseUrl = (process.env.CLOUDFLARE_API_BASE_URL || CLOUDFLARE_API_BASE_URL).replace(/\/+$/, "");
  return { token, baseUrl, retry };
}

/** `/accounts/<id>/<segments...>` with every segment URL-encoded. */
export function accountPath(accountId: string, ...segments: string[]): string {
  return ["", "accounts", accountId, ...segments].map((segment) => encodeURIComponent(segment)).join("/");
}

export interface CloudflareRequest {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  /** FormData and strings go as-is; anything else is sent as JSON. */
  body?: unknown;
  contentType?: string;
  /** Treat 404 as an answer (`found: false`) instead of an error. */
  allowNotFound?: boolean;
}

export interface CloudflareAnswer<T> {
  found: boolean;
  status: number;
  result: T | undefined;
}

/** Calls the API, retrying 429/5xx with backoff; failures become errors that say what to do. */
export async function cloudflareRequest<T = unknown>(
  ctx: CloudflareContext,
  request: CloudflareRequest,
): Promise<CloudflareAnswer<T>> {
  const headers: Record<string, string> = { Authorization: `Bearer ${ctx.token}` };
  let body: BodyInit | undefined;
  if (request.body instanceof FormData || typeof request.body === "string") {
    body = request.body;
    if (typeof request.body === "string") headers["Content-Type"] = request.contentType ?? "text/plain";
  } else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers["Content-Type"] = "application/json";
  }
  const label = `${request.method} ${request.path}`;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(ctx.baseUrl + request.path, { method: request.method, headers, body });
    } catch (error) {
      if (attempt < ctx.retry.attempts) {
        await sleep(backoffMs(ctx.retry, attempt, null));
        continue;
      }
      throw new Error(
        `Cloudflare API ${label} could not be reached: ${String(error)}. Fix: check the network and re-run`,
      );
    }
    const retryable = response.status === 429 || response.status >= 500;
    if (retryable && attempt < ctx.retry.attempts) {
      await response.body?.cancel();
      await sleep(backoffMs(ctx.retry, attempt, response.headers.get("retry-after")));
      continue;
    }
    if (response.status === 404 && request.allowNotFound) {
      await response.body?.cancel();
      return { found: false, status: 404, result: undefined };
    }
    const text = await response.text();
    const envelope = parseEnvelope(text);
    if (!response.ok || envelope?.success === false) {
      throw new Error(describeFailure(label, response.status, envelope, text, attempt));
    }
    return { found: true, status: response.status, result: envelope?.result as T | undefined };
  }
}

interface Envelope {
  success?: boolean;
  errors?: Array<{ code?: number; message?: string }>;
  result?: unknown;
}

function parseEnvelope(text: string): Envelope | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

/** Turns a Cloudflare error body into one line: what failed, Cloudflare's words, what to do. */
export function describeFailure(
  label: string,
  status: number,
  envelope: Envelope | undefined,
  text: string,
  attempts = 1,
): string {
  const errors = (envelope?.errors ?? []).map((e) => `[${e.code ?? "?"}] ${e.message ?? "unknown error"}`);
  const detail = errors.length ? errors.join("; ") : text.slice(0, 200) || "(empty body)";
  const tried = attempts > 1 ? ` after ${attempts} attempts` : "";
  return `Cloudflare API ${label} failed with ${status}${tried}: ${detail}. Fix: ${fixForStatus(status)}`;
}

function fixForStatus(status: number): string {
  if (status === 401)
    return "the API token is missing, expired or mistyped; set a valid one (cloudflare:apiToken or CLOUDFLARE_API_TOKEN)";
  if (status === 403) {
    return "the API token lacks a permission; it needs Workers Scripts Edit, Workers for Platforms, D1 Edit, Workers KV Storage Edit and Workers R2 Storage Edit on the account";
  }
  if (status === 404)
    return "check accountId and the namespace, database, bucket and KV ids of this stack (pulumi stack output)";
  if (status === 409)
    return "another change to the same resource is in progress or it already exists; wait and re-run pulumi up";
  if (status === 429) return "Cloudflare is rate limiting this token; wait a minute and re-run pulumi up";
  if (status >= 500) return "Cloudflare had a server error; re-run pulumi up (every step is safe to repeat)";
  return "read Cloudflare's message above; the request was rejected as sent";
}

/** Exponential backoff with jitter; a Retry-After header (seconds) wins when present. */
export function backoffMs(retry: RetryPolicy, attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, retry.maxDelayMs);
  const exponential = retry.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(exponential / 2 + Math.random() * (exponential / 2), retry.maxDelayMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
