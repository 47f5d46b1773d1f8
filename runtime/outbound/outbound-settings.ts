import { z } from "zod";
import { BINDINGS } from "../../core/bindings.ts";
import { HttpError } from "../shared/http-error.ts";
import type { RateLimiter } from "./egress-rate-limit.ts";

/** The outbound worker's settings, parsed and checked once per isolate. */
export interface OutboundSettings {
  /** Local stack only: hostname → loopback origin for allowed test hosts. */
  resolveOverrides: Map<string, string>;
  egressLimiter?: RateLimiter;
}

/** Parse RESOLVE_OVERRIDES into hostname → origin; throws with a clear message when malformed. */
export function parseResolveOverrides(raw: string | undefined): Map<string, string> {
  const overrides = new Map<string, string>();
  if (raw === undefined || raw.trim() === "") return overrides;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error("RESOLVE_OVERRIDES must be a JSON object of hostname → origin");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error("RESOLVE_OVERRIDES must be a JSON object of hostname → origin");
  }
  for (const [host, origin] of Object.entries(parsed)) {
    if (typeof origin !== "string" || !/^https?:\/\//.test(origin) || !URL.canParse(origin)) {
      throw new Error(`RESOLVE_OVERRIDES["${host}"] must be an http(s) origin such as http://127.0.0.1:8790`);
    }
    overrides.set(host.toLowerCase().replace(/\.$/, ""), new URL(origin).origin);
  }
  return overrides;
}

const schema = z.object({
  RESOLVE_OVERRIDES: z
    .string()
    .optional()
    .transform((raw, context) => {
      try {
        return parseResolveOverrides(raw);
      } catch (error) {
        context.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  [BINDINGS.egressLimiter]: z
    .custom<RateLimiter>(
      (value) => typeof (value as Partial<RateLimiter> | null)?.limit === "function",
      `${BINDINGS.egressLimiter} must be a Workers rate-limit binding`,
    )
    .optional(),
});

const parsed = new WeakMap<object, OutboundSettings | HttpError>();

/**
 * The outbound worker's settings, validated by one schema on first use and cached per isolate.
 * A bad setting fails closed: every egress is refused with a 503 that names it.
 */
export function outboundSettings(env: object): OutboundSettings {
  let settings = parsed.get(env);
  if (!settings) {
    const result = schema.safeParse(env);
    settings = result.success
      ? {
          resolveOverrides: result.data.RESOLVE_OVERRIDES,
          ...(result.data[BINDINGS.egressLimiter]
            ? { egressLimiter: result.data[BINDINGS.egressLimiter] }
            : {}),
        }
      : new HttpError(
          503,
          "outbound_misconfigured",
          `the outbound worker is misconfigured, so no outgoing request is sent: ${result.error.issues
            .map((issue) => `${String(issue.path[0])}: ${issue.message}`)
            .join("; ")}. Fix the outbound worker's settings (infra/ or local/miniflare.ts) and redeploy.`,
          { settings: [...new Set(result.error.issues.map((issue) => String(issue.path[0])))] },
        );
    parsed.set(env, settings);
  }
  if (settings instanceof HttpError) throw settings;
  return settings;
}
