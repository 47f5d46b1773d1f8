// The official Cloudflare TypeScript SDK (`cloudflare`, generated from Cloudflare's OpenAPI) for the
// dynamic providers. Pulumi serialises the providers' closures, so the SDK is never imported at
// the top of a provider module: it is loaded when a call is made, from a file URL resolved when
// the program starts (`cloudflareSdkUrl()`), which survives serialisation as a plain string.
// Failures are classified by the SDK's typed errors (APIError and its status) and retried here
// with the stack's RetryPolicy (the SDK's own retries are off: it would also retry 409s).

import type Cloudflare from "cloudflare";
import { backoffMs, type CloudflareContext, describeFailure } from "./api.ts";

type Sdk = typeof import("cloudflare");

/** A configured SDK client plus the one way to call it (retries, 404s, clear failures). */
export interface CloudflareSdk {
  client: Cloudflare;
  /**
   * Runs one SDK request, retrying 429/5xx and network failures; `label` ("PUT /accounts/…")
   * names it in errors. With `allowNotFound` a 404 answers `{ found: false }`.
   */
  call<T>(
    label: string,
    run: (client: Cloudflare) => Promise<T>,
    options?: { allowNotFound?: boolean },
  ): Promise<{ found: boolean; result: T | undefined }>;
}

/** Loads the SDK from `sdkUrl` and builds a client for `ctx` (token, base URL, retries). */
export async function cloudflareSdk(ctx: CloudflareContext, sdkUrl: string): Promise<CloudflareSdk> {
  // The URL was resolved where the program last ran; a state deleted from another checkout (a
  // different path) falls back to the package as installed where this runs.
  const sdk: Sdk = await import(sdkUrl).catch(() => import("cloudflare"));
  const client = new sdk.Cloudflare({
    apiToken: ctx.token,
    baseURL: ctx.baseUrl,
    maxRetries: 0,
    // Resolved per request, so a fetch installed after the client was built is the one used.
    fetch: (input, init) => fetch(input, init),
  });
  return {
    client,
    async call(label, run, options = {}) {
      for (let attempt = 1; ; attempt++) {
        try {
          return { found: true, result: await run(client) };
        } catch (error) {
          if (!(error instanceof sdk.APIError)) throw error;
          const status = error.status;
          if (status === 404 && options.allowNotFound) return { found: false, result: undefined };
          const retryable = status === undefined || status === 429 || status >= 500;
          if (retryable && attempt < ctx.retry.attempts) {
            await sleep(backoffMs(ctx.retry, attempt, error.headers?.get("retry-after") ?? null));
            continue;
          }
          if (status === undefined) {
            throw new Error(
              `Cloudflare API ${label} could not be reached: ${error.message}. Fix: check the network and re-run`,
            );
          }
          // A body that is not JSON reaches the SDK's message only ("<status> <text>").
          const body =
            error.error === undefined ? error.message.replace(`${status} `, "") : JSON.stringify(error.error);
          throw new Error(describeFailure(label, status, { errors: error.errors }, body, attempt));
        }
      }
    },
  };
}

/** file:// URL of the installed `cloudflare` package, for `cloudflareSdk` (resolve at program start). */
export function cloudflareSdkUrl(): string {
  return import.meta.resolve("cloudflare");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
