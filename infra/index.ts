// The Pulumi program (Pulumi.yaml: main infra/index.ts, run through tsx). Pulumi calls the
// default export and publishes what it returns as the stack outputs.

import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { buildApi } from "../core/build/build-api.ts";
import { bundleWorker, runtimePath } from "../core/build/bundle.ts";
import { API_SECRETS_KEY, readApiSecrets } from "./api-secrets.ts";
import {
  CONFIG_NAMESPACE,
  checkGatewaySecret,
  GATEWAY_SECRETS,
  type GatewaySecret,
  loadPlatformConfig,
} from "./config.ts";
import { definePlatform } from "./program.ts";
import { zeroXSplitsPredictor } from "./split-predictor.ts";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

export default async function main() {
  const stack = pulumi.getStack();
  const settings = new pulumi.Config(CONFIG_NAMESPACE);
  const config = loadPlatformConfig(
    (key) => settings.get(key),
    stack,
    Object.keys(pulumi.runtime.allConfig()),
  );
  // The stack secret wins; the environment variable (ADMIN_TOKEN is also what the CLI reads)
  // serves CI and local shells.
  const gatewaySecret = (key: GatewaySecret) => {
    const fromStack = settings.get(key);
    const value = fromStack ?? process.env[GATEWAY_SECRETS[key]];
    checkGatewaySecret(
      value,
      fromStack !== undefined ? `${CONFIG_NAMESPACE}:${key}` : GATEWAY_SECRETS[key],
      key,
    );
    return value !== undefined ? { [key]: pulumi.secret(value) } : {};
  };
  return definePlatform({
    stack,
    root: REPO_ROOT,
    config,
    facilitatorAuth: settings.getSecret("facilitatorAuth"),
    ...gatewaySecret("adminToken"),
    // Signs creator sessions after a wallet sign-in; without it /creators/* answers 503.
    ...gatewaySecret("authSecret"),
    // Creator APIs' secrets: `pulumi config set --secret --path '402claw:apiSecrets.<slug>.<NAME>'`.
    apiSecrets: readApiSecrets(settings.getObject(API_SECRETS_KEY)),
    // payTo = each API's 0xSplits address, predicted through 402claw:rpcUrl at preview and up.
    splitPredictor: zeroXSplitsPredictor({ network: config.network, rpcUrl: config.rpcUrl }),
    bundle: (entry) => bundleWorker(runtimePath(entry), { label: `runtime/${entry}` }),
    build: buildApi,
  });
}
