// What every Cloudflare API call shares: the token and base URL (read when a call is made, never
// at import), the retry policy and failure messages that say what to do. The calls themselves go
// through the official SDK (sdk.ts). The dynamic providers' closures are serialised by Pulumi, so
// this module holds plain functions only.

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

/** The error envelope of Cloudflare's API, as far as failure messages use it. */
export interface Envelope {
  success?: boolean;
  errors?: Array<{ code?: number; message?: string }>;
  result?: unknown;
}

/** Turns a Cloudflare error body into one line: what failed, Cloudflare's words, what to do. */
export function describeFailure(
  label: string,
  status: number,
  envelope: Pick<Envelope, "errors"> | undefined,
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
