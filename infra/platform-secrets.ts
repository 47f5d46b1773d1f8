import * as pulumi from "@pulumi/pulumi";
import {
  CONFIG_NAMESPACE,
  checkGatewaySecret,
  checkReceiverAuthorizerKey,
  GATEWAY_SECRETS,
  type GatewaySecret,
  type PlatformConfig,
} from "./config.ts";
import type { ProgramOptions } from "./program.ts";

type PlatformSecrets = Pick<
  ProgramOptions,
  "facilitatorAuth" | "adminToken" | "authSecret" | "receiverAuthorizerKey"
>;

/**
 * The gateway's secrets, checked and wrapped as Pulumi secrets (never plain in state or plan
 * output). The stack secret wins; the environment variable (ADMIN_TOKEN is also what the CLI
 * reads) serves CI and local shells. `get` reads `402claw:<key>` as plain text.
 */
export function platformSecrets(
  get: (key: string) => string | undefined,
  config: PlatformConfig,
  env: Record<string, string | undefined> = process.env,
): PlatformSecrets {
  const read = (key: string, variable: string) => {
    const fromStack = get(key);
    return {
      value: fromStack ?? env[variable],
      source: fromStack !== undefined ? `${CONFIG_NAMESPACE}:${key}` : variable,
    };
  };
  const gatewaySecret = (key: GatewaySecret) => {
    const { value, source } = read(key, GATEWAY_SECRETS[key]);
    checkGatewaySecret(value, source, key);
    return value !== undefined ? { [key]: pulumi.secret(value) } : {};
  };
  const receiver = read("receiverAuthorizerKey", "RECEIVER_AUTHORIZER_KEY");
  checkReceiverAuthorizerKey(receiver.value, receiver.source, config.network);
  const facilitatorAuth = get("facilitatorAuth");
  return {
    ...(facilitatorAuth !== undefined ? { facilitatorAuth: pulumi.secret(facilitatorAuth) } : {}),
    ...gatewaySecret("adminToken"),
    // Signs creator sessions after a wallet sign-in; without it /creators/* answers 503.
    ...gatewaySecret("authSecret"),
    // Signs batch-settlement claims and refunds; without it the gateway offers only `exact`.
    ...(receiver.value !== undefined ? { receiverAuthorizerKey: pulumi.secret(receiver.value) } : {}),
  };
}
