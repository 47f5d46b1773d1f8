import { MAX_CREATOR_BODY_BYTES } from "../../core/creator-limits.ts";
import { beforeDeadline, TIMED_OUT } from "../shared/deadline.ts";
import { errorResponse } from "../shared/http-error.ts";
import { readCapped } from "../shared/read-capped.ts";
import type { ApiRecord } from "./api-record.ts";
import { isCpuLimitExceeded } from "./creator-fault.ts";
import type { DispatchEnv } from "./env.ts";
import { namespaceFor } from "./namespace.ts";
import { dispatchSettings } from "./settings.ts";

/** Request headers a creator never sees: payment material and platform-internal headers. */
const STRIPPED_HEADERS = ["payment-signature", "x-payment", "payment-response", "cookie", "host"];
/** Statuses whose responses carry no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = [101, 204, 205, 304];

export interface ForwardTarget {
  api: ApiRecord;
  /** Canonical path relative to the API ("/..."), query included. */
  pathAndQuery: string;
  body: ArrayBuffer | null;
}

class CreatorBodyTooLarge extends Error {}

/**
 * Runs the creator's worker and reads its whole answer (headers and body) within the API's time
 * limit. A crash, a body that fails midway, a CPU-limit hit or a timeout becomes a 502 that names
 * the API and nothing of its internals; whatever status the creator answers with is passed through.
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
  const settings = dispatchSettings(env);
  const timeoutMs = settings.creatorTimeoutMs;
  const cpuMs = api.limits.cpuMs ?? settings.creatorCpuMs;
  const worker = namespaceFor(env).get(
    api.workerName,
    {},
    {
      outbound: { slug: api.slug, owner: api.owner, egress: api.egress.join(",") },
      limits: { cpuMs },
    },
  );
  const fail = (code: string, message: string) => errorResponse(502, code, message, { api: api.slug });
  try {
    const answer = await beforeDeadline(wholeAnswer(worker.fetch(request)), timeoutMs);
    if (answer === TIMED_OUT)
      return fail("creator_timeout", `API '${api.slug}' did not answer within ${timeoutMs} ms`);
    return answer;
  } catch (error) {
    console.error(`creator worker ${api.workerName} failed`, error);
    if (isCpuLimitExceeded(error))
      return fail("creator_cpu_exceeded", `API '${api.slug}' used more than its ${cpuMs} ms of CPU`);
    if (error instanceof CreatorBodyTooLarge)
      return fail(
        "creator_response_too_large",
        `API '${api.slug}' answered with more than ${MAX_CREATOR_BODY_BYTES} bytes`,
      );
    return fail("creator_error", `API '${api.slug}' failed while handling the request`);
  }
}

/** The creator's response with its body read into memory: a body that fails midway throws here. */
async function wholeAnswer(pending: Promise<Response>): Promise<Response> {
  const response = await pending;
  const init = { status: response.status, statusText: response.statusText, headers: response.headers };
  if (NULL_BODY_STATUSES.includes(response.status) || !response.body) {
    await response.body?.cancel();
    return new Response(null, init);
  }
  const { bytes, overflow } = await readCapped(response.body, MAX_CREATOR_BODY_BYTES);
  if (overflow) throw new CreatorBodyTooLarge();
  return new Response(bytes, init);
}

/** A positive whole number of ms from a plain-text setting, else the default. */
