import { privateKeyToAccount } from "viem/accounts";
import type { SettlerConfig } from "../../ledger/batch-settler.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { facilitatorFor } from "./facilitator.ts";
import { paymentConfig } from "./payment-config.ts";

/** What claims and settlements need (facilitator, receiver-authorizer key, chain), or undefined without a key. */
export function settlerConfig(env: DispatchEnv): SettlerConfig | undefined {
  const settings = dispatchSettings(env);
  if (!settings.receiverAuthorizerKey) return undefined;
  const config = paymentConfig(env);
  return {
    facilitator: facilitatorFor(config, () => undefined),
    signer: privateKeyToAccount(settings.receiverAuthorizerKey),
    network: config.network,
    asset: config.asset as `0x${string}`,
    withdrawDelaySeconds: settings.withdrawDelaySeconds,
  };
}
