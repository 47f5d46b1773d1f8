import type { DispatchEnv } from "../env.ts";
import { type DispatchSettings, dispatchSettings } from "../settings.ts";

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
  /** batch-settlement: offered (first) only when the platform holds a receiver-authorizer key. */
  batch?: { receiverAuthorizerKey: `0x${string}`; withdrawDelaySeconds: number; minDepositCalls: number };
}

/** The payment settings, from the worker's settings (validated once per isolate; a bad one is a 503 naming it). */
export function paymentConfig(env: DispatchEnv): PaymentConfig {
  const settings = dispatchSettings(env);
  let config = configs.get(settings);
  if (!config) {
    config = fromSettings(settings);
    configs.set(settings, config);
  }
  return config;
}

const configs = new WeakMap<DispatchSettings, PaymentConfig>();

function fromSettings(settings: DispatchSettings): PaymentConfig {
  return {
    network: settings.network,
    asset: settings.asset,
    assetName: settings.assetName,
    assetVersion: settings.assetVersion,
    facilitatorUrl: settings.facilitatorUrl,
    ...(settings.facilitatorAuth ? { facilitatorAuth: settings.facilitatorAuth } : {}),
    maxTimeoutSeconds: settings.maxTimeoutSeconds,
    facilitatorTimeoutMs: settings.facilitatorTimeoutMs,
    ...(settings.receiverAuthorizerKey
      ? {
          batch: {
            receiverAuthorizerKey: settings.receiverAuthorizerKey,
            withdrawDelaySeconds: settings.withdrawDelaySeconds,
            minDepositCalls: settings.minDepositCalls,
          },
        }
      : {}),
  };
}
