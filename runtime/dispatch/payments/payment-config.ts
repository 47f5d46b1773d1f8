import { z } from "zod";
import { HttpError } from "../../shared/http-error.ts";
import type { DispatchEnv } from "../env.ts";

/** The x402 settings every API's requirements share; prices and payTo are per API. */
export interface PaymentConfig {
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
}

const schema = z.object({
  X402_NETWORK: z.string().regex(/^eip155:\d+$/, "must be a CAIP-2 EVM network such as eip155:8453"),
  X402_ASSET: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be the token contract address"),
  X402_ASSET_NAME: z.string().min(1),
  X402_ASSET_VERSION: z.string().min(1),
  FACILITATOR_URL: z.url(),
  FACILITATOR_AUTH: z.string().optional(),
  X402_MAX_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  FACILITATOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
});

const parsed = new WeakMap<object, PaymentConfig>();

/** The payment settings from the worker's env, validated once per isolate; a bad setting is a 503 naming it. */
export function paymentConfig(env: DispatchEnv): PaymentConfig {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new HttpError(
      503,
      "payments_not_configured",
      `gateway setting ${issue.path.join(".")} ${issue.message}`,
    );
  }
  const value = result.data;
  const config: PaymentConfig = {
    network: value.X402_NETWORK as `${string}:${string}`,
    asset: value.X402_ASSET,
    assetName: value.X402_ASSET_NAME,
    assetVersion: value.X402_ASSET_VERSION,
    facilitatorUrl: value.FACILITATOR_URL,
    ...(value.FACILITATOR_AUTH ? { facilitatorAuth: value.FACILITATOR_AUTH } : {}),
    maxTimeoutSeconds: value.X402_MAX_TIMEOUT_SECONDS,
    facilitatorTimeoutMs: value.FACILITATOR_TIMEOUT_MS,
  };
  parsed.set(env, config);
  return config;
}
