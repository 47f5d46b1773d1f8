// The Pulumi program (Pulumi.yaml: main infra/index.ts, run through tsx). Pulumi calls the
// default export and publishes what it returns as the stack outputs.

import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { buildApi } from "../core/build/build-api.ts";
import { bundleWorker, runtimePath } from "../core/build/bundle.ts";
import { API_SECRETS_KEY, readApiSecrets } from "./api-secrets.ts";
import { CONFIG_NAMESPACE, loadPlatformConfig } from "./config.ts";
import { platformSecrets } from "./platform-secrets.ts";
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
  return definePlatform({
    stack,
    root: REPO_ROOT,
    config,
    ...platformSecrets((key) => settings.get(key), config),
    // Creator APIs' secrets: `pulumi config set --secret --path '402claw:apiSecrets.<slug>.<NAME>'`.
    apiSecrets: readApiSecrets(settings.getObject(API_SECRETS_KEY)),
    // payTo = each API's 0xSplits address, predicted through 402claw:rpcUrl at preview and up.
    splitPredictor: zeroXSplitsPredictor({ network: config.network, rpcUrl: config.rpcUrl }),
    bundle: (entry) => bundleWorker(runtimePath(entry), { label: `runtime/${entry}` }),
    build: buildApi,
  });
}
