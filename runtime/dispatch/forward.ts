import { errorResponse } from "../shared/http-error.ts";
import type { ApiRecord } from "./api-record.ts";
import type { DispatchEnv } from "./env.ts";
import { namespaceFor } from "./namespace.ts";

export const DEFAULT_CREATOR_TIMEOUT_MS = 30_000;

/** Request headers a creator never sees: payment material and platform-internal headers. */
const STRIPPED_HEADERS = ["payment-signature", "x-payment", "payment-response", "cookie", "host"];

export interface ForwardTarget {
  api: ApiRecord;
  /** Canonical path relative to the API ("/..."), query included. */
  pathAndQuery: string;
  body: ArrayBuffer | null;
}

/**
 * Runs the creator's worker. A crash or timeout becomes a 502 that names the API and nothing
 * of its internals; whatever status the creator answers with is passed through.
 */
export async function forwardToCreator(
  env: DispatchEnv,
  original: Request,
  target: ForwardTarget,
): Promise<Response> {
  const { api } = target;
  const url = new URL(target.pathAndQuery, new URL(original.url).origin);
  const headers = new Headers();
  for (const [name, value] of original.headers) {
    const lower = name.toLowerCase();
    if (STRIPPED_HEADERS.includes(lower) || lower.startsWith("x-402claw-") || lower.startsWith("cf-"))
      continue;
    headers.set(name, value);
  }
  headers.set("x-402claw-api", api.slug);
  const request = new Request(url, {
    method: original.method,
    headers,
    body: target.body,
    redirect: "manual",
  });
  const timeoutMs = Number(env.CREATOR_TIMEOUT_MS ?? DEFAULT_CREATOR_TIMEOUT_MS);
  const worker = namespaceFor(env).get(
    api.workerName,
    {},
    {
      outbound: { slug: api.slug, owner: api.owner, egress: api.egress.join(",") },
      ...(api.limits.cpuMs ? { limits: { cpuMs: api.limits.cpuMs } } : {}),
    },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([worker.fetch(request), timeout]);
    if (outcome === "timeout") {
      return errorResponse(
        502,
        "creator_timeout",
        `API '${api.slug}' did not answer within ${timeoutMs} ms`,
        {
          api: api.slug,
        },
      );
    }
    return outcome;
  } catch (error) {
    console.error(`creator worker ${api.workerName} failed`, error);
    return errorResponse(502, "creator_error", `API '${api.slug}' failed while handling the request`, {
      api: api.slug,
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
