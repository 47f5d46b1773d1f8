import { z } from "zod";
import { BINDINGS } from "../../core/bindings.ts";
import { DEFAULT_CREATOR_CPU_MS } from "../../core/creator-limits.ts";
import { HttpError } from "../shared/http-error.ts";
import type { DispatchEnv } from "./env.ts";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** The gateway holds a request body in memory before the creator runs: keep it well under an isolate's 128 MB. */
export const MAX_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CREATOR_TIMEOUT_MS = 30_000;

/** The dispatch worker's settings, parsed and checked once per isolate. Bindings stay on `env`. */
export interface DispatchSettings {
  environment: string;
  /** The marketplace's public origin (`https://host`, no path): every link and 402 resource URL is built on it. */
  publicOrigin: string;
  network: `${string}:${string}`;
  asset: string;
  assetName: string;
  assetVersion: string;
  facilitatorUrl: string;
  facilitatorAuth?: string;
  /** How long a quote (and its authorization) stays valid. */
  maxTimeoutSeconds: number;
  /** How long the gateway waits for the facilitator before answering 502. */
  facilitatorTimeoutMs: number;
  platformFeeBps?: number;
  platformWallet?: string;
  /**
   * The factory the APIs' revenue splits are created through, when the page must name it: the local
   * PaymentSplitter factory. Unset in production, where 0xSplits' factory comes with its SDK.
   */
  splitFactory?: string;
  maxBodyBytes: number;
  creatorTimeoutMs: number;
  /** CPU ms a creator call may use when its manifest sets no `cpuMs`. */
  creatorCpuMs: number;
  adminToken?: string;
  authSecret?: string;
  rpcUrl?: string;
  /** The marketplace's name in discovery documents (/openapi.json, /llms.txt, MCP). */
  marketplaceName: string;
  /** Who runs it: an email address or a URL, shown as the OpenAPI `info.contact`. */
  contact?: string;
  /**
   * The receiver-authorizer key of the batch-settlement scheme (a platform secret): it signs the
   * claims and cooperative refunds of every payment channel. Unset: only `exact` is offered.
   */
  receiverAuthorizerKey?: `0x${string}`;
  /** Seconds a payer must wait between starting and finishing a withdrawal from a channel. */
  withdrawDelaySeconds: number;
  /** How often outstanding vouchers are claimed on chain and settled to each API's split. */
  settleIntervalSeconds: number;
  /** A channel unused this long is refunded to its payer cooperatively. */
  refundIdleSeconds: number;
  /** The deposit a 402 suggests, in calls of the API's price (the client may deposit more). */
  minDepositCalls: number;
}

/** Unset and empty are the same thing for a plain-text setting. */
const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  z.preprocess(unsetIfEmpty, schema.default(fallback as never));
const wholeNumber = (min: number, max: number, unit: string) =>
  z.coerce
    .number({ error: `must be a whole number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min} ${unit}`)
    .max(max, `must be at most ${max} ${unit}`);
const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .refine((value) => URL.canParse(value), "must be an http(s) URL");
const origin = httpUrl.refine((value) => {
  // Not a URL at all is already reported above.
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
}, "must be an origin only (scheme, host and port), e.g. https://market.example.com");
const binding = (what: string) =>
  z.custom<object>((value) => typeof value === "object" && value !== null, `the ${what} binding is missing`);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");

/** Settings that are secrets: their values never appear in an error. */
const SECRETS = new Set(["FACILITATOR_AUTH", "ADMIN_TOKEN", "AUTH_SECRET", "RECEIVER_AUTHORIZER_KEY"]);

const schema = z
  .object({
    [BINDINGS.db]: binding("D1 database"),
    [BINDINGS.cache]: binding("KV namespace"),
    [BINDINGS.payerLedger]: binding("payer ledger Durable Object namespace"),
    [BINDINGS.dispatcher]: z.unknown().optional(),
    [BINDINGS.localNamespace]: z.unknown().optional(),
    ENVIRONMENT: withDefault(z.string(), "unknown"),
    PUBLIC_ORIGIN: origin,
    X402_NETWORK: z.string().regex(/^eip155:\d+$/, "must be a CAIP-2 EVM network such as eip155:8453"),
    X402_ASSET: address,
    X402_ASSET_NAME: z.string().min(1, "must name the token's EIP-712 domain, e.g. USD Coin"),
    X402_ASSET_VERSION: z.string().min(1, "must be the token's EIP-712 version, e.g. 2"),
    FACILITATOR_URL: httpUrl,
    FACILITATOR_AUTH: optional(z.string()),
    X402_MAX_TIMEOUT_SECONDS: withDefault(wholeNumber(10, 3600, "seconds"), 60),
    FACILITATOR_TIMEOUT_MS: withDefault(wholeNumber(100, 120_000, "milliseconds"), 15_000),
    PLATFORM_FEE_BPS: optional(wholeNumber(0, 10_000, "basis points")),
    PLATFORM_WALLET: optional(address),
    SPLIT_FACTORY: optional(address),
    MAX_BODY_BYTES: withDefault(wholeNumber(1, MAX_MAX_BODY_BYTES, "bytes"), DEFAULT_MAX_BODY_BYTES),
    CREATOR_TIMEOUT_MS: withDefault(wholeNumber(100, 300_000, "milliseconds"), DEFAULT_CREATOR_TIMEOUT_MS),
    CREATOR_CPU_MS: withDefault(wholeNumber(1, 300_000, "milliseconds"), DEFAULT_CREATOR_CPU_MS),
    ADMIN_TOKEN: optional(z.string()),
    AUTH_SECRET: optional(z.string()),
    RPC_URL: optional(httpUrl),
    MARKETPLACE_NAME: withDefault(z.string().max(80, "must be at most 80 characters"), "402claw marketplace"),
    CONTACT: optional(z.union([z.email(), httpUrl], { error: "must be an email address or an http(s) URL" })),
    RECEIVER_AUTHORIZER_KEY: optional(
      z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key"),
    ),
    // The scheme's bounds (15 minutes to 30 days).
    BATCH_WITHDRAW_DELAY_SECONDS: withDefault(wholeNumber(900, 2_592_000, "seconds"), 86_400),
    BATCH_SETTLE_INTERVAL_SECONDS: withDefault(wholeNumber(5, 86_400, "seconds"), 3_600),
    // A few seconds only makes sense for tests (each refund is a transaction); production keeps days.
    BATCH_REFUND_IDLE_SECONDS: withDefault(wholeNumber(5, 2_592_000, "seconds"), 7 * 86_400),
    BATCH_MIN_DEPOSIT_CALLS: withDefault(wholeNumber(1, 1_000_000, "calls"), 100),
  })
  // The risk bound: a payer's withdrawal can finish only after the delay, so outstanding vouchers
  // must be claimed well before it (at least twice per delay, so one failed run can be retried).
  .refine((env) => env.BATCH_SETTLE_INTERVAL_SECONDS * 2 <= env.BATCH_WITHDRAW_DELAY_SECONDS, {
    path: ["BATCH_SETTLE_INTERVAL_SECONDS"],
    message:
      "must be at most half of BATCH_WITHDRAW_DELAY_SECONDS, so vouchers are claimed before a withdrawal can finish",
  })
  .refine((env) => env[BINDINGS.dispatcher] !== undefined || env[BINDINGS.localNamespace] !== undefined, {
    path: [BINDINGS.dispatcher],
    message: `no dispatch namespace: bind ${BINDINGS.dispatcher} (production) or ${BINDINGS.localNamespace} (local stack)`,
  });

const parsed = new WeakMap<object, DispatchSettings | HttpError>();

/**
 * The dispatch worker's settings, validated by one schema on first use and cached per isolate.
 * A missing or malformed setting is a 503 that names it and says how to fix it; nothing runs.
 */
export function dispatchSettings(env: DispatchEnv): DispatchSettings {
  let settings = parsed.get(env);
  if (!settings) {
    settings = parseSettings(env);
    parsed.set(env, settings);
  }
  if (settings instanceof HttpError) throw settings;
  return settings;
}

function parseSettings(env: DispatchEnv): DispatchSettings | HttpError {
  const result = schema.safeParse(env);
  if (!result.success) return misconfigured(env, result.error);
  const value = result.data;
  return {
    environment: value.ENVIRONMENT,
    publicOrigin: new URL(value.PUBLIC_ORIGIN).origin,
    network: value.X402_NETWORK as `${string}:${string}`,
    asset: value.X402_ASSET,
    assetName: value.X402_ASSET_NAME,
    assetVersion: value.X402_ASSET_VERSION,
    facilitatorUrl: value.FACILITATOR_URL,
    ...(value.FACILITATOR_AUTH ? { facilitatorAuth: value.FACILITATOR_AUTH } : {}),
    maxTimeoutSeconds: value.X402_MAX_TIMEOUT_SECONDS,
    facilitatorTimeoutMs: value.FACILITATOR_TIMEOUT_MS,
    ...(value.PLATFORM_FEE_BPS !== undefined ? { platformFeeBps: value.PLATFORM_FEE_BPS } : {}),
    ...(value.PLATFORM_WALLET ? { platformWallet: value.PLATFORM_WALLET } : {}),
    ...(value.SPLIT_FACTORY ? { splitFactory: value.SPLIT_FACTORY } : {}),
    maxBodyBytes: value.MAX_BODY_BYTES,
    creatorTimeoutMs: value.CREATOR_TIMEOUT_MS,
    creatorCpuMs: value.CREATOR_CPU_MS,
    ...(value.ADMIN_TOKEN ? { adminToken: value.ADMIN_TOKEN } : {}),
    ...(value.AUTH_SECRET ? { authSecret: value.AUTH_SECRET } : {}),
    ...(value.RPC_URL ? { rpcUrl: value.RPC_URL } : {}),
    marketplaceName: value.MARKETPLACE_NAME,
    ...(value.CONTACT ? { contact: value.CONTACT } : {}),
    ...(value.RECEIVER_AUTHORIZER_KEY
      ? { receiverAuthorizerKey: value.RECEIVER_AUTHORIZER_KEY as `0x${string}` }
      : {}),
    withdrawDelaySeconds: value.BATCH_WITHDRAW_DELAY_SECONDS,
    settleIntervalSeconds: value.BATCH_SETTLE_INTERVAL_SECONDS,
    refundIdleSeconds: value.BATCH_REFUND_IDLE_SECONDS,
    minDepositCalls: value.BATCH_MIN_DEPOSIT_CALLS,
  };
}

function misconfigured(env: DispatchEnv, error: z.ZodError): HttpError {
  const problems = error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "env");
    const given = (env as unknown as Record<string, unknown>)[name];
    const shown =
      given === undefined
        ? "is not set"
        : typeof given === "string" && !SECRETS.has(name)
          ? `is ${JSON.stringify(given)}`
          : "is invalid";
    return { name, text: `${name} ${shown}: ${issue.message}` };
  });
  const names = [...new Set(problems.map((problem) => problem.name))];
  return new HttpError(
    503,
    "gateway_misconfigured",
    `the gateway is misconfigured, so nothing runs and nothing is charged. ${problems.map((p) => p.text).join("; ")}. ` +
      "Fix: set these in the dispatch worker's settings (Pulumi stack config via infra/, or local/stack.ts locally) and redeploy.",
    { settings: names },
  );
}
