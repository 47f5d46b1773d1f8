import { join, relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { BuiltApi } from "../core/build/types.ts";
import { type LoadedApi, loadStackApis } from "../core/manifest/load.ts";
import { readMigrations } from "../core/migrations/read-migrations.ts";
import { parseUsdPrice } from "../core/price.ts";
import { type ApiSecretValues, missingApiSecrets, secretsOf } from "./api-secrets.ts";
import type { PlatformConfig } from "./config.ts";
import { CreatorApi } from "./creator-api/creator-api.ts";
import { UNBUILT } from "./creator-api/types.ts";
import { payToFor } from "./pay-to.ts";
import { Platform } from "./platform/platform.ts";
import type { SplitPredictor } from "./split-predictor.ts";

/**
 * What the program needs; `bundle`, `build` and `splitPredictor` are injectable so tests and the
 * offline plan need no esbuild run and no RPC.
 */
export interface ProgramOptions {
  stack: string;
  root: string;
  config: PlatformConfig;
  facilitatorAuth?: pulumi.Input<string>;
  /** Bearer token of the gateway's /admin endpoints; unset = those endpoints do not exist. */
  adminToken?: pulumi.Input<string>;
  authSecret?: pulumi.Input<string>;
  /** Signs batch-settlement claims and refunds (a secret); unset = only `exact` is offered. */
  receiverAuthorizerKey?: pulumi.Input<string>;
  /** Creator APIs' secret values (`402claw:apiSecrets`), bound to their workers as secret_text. */
  apiSecrets?: ApiSecretValues;
  /** Predicts each API's split address (its payTo); production: the 0xSplits factory via rpcUrl. */
  splitPredictor: SplitPredictor;
  /** Bundles a platform worker entry, given relative to runtime/ (e.g. "dispatch/worker.ts"). */
  bundle: (runtimeEntry: string) => Promise<string>;
  build: (api: LoadedApi) => Promise<BuiltApi>;
}

/** One creator API as the stack outputs list it. */
export interface ApiSummary {
  kind: string;
  price: pulumi.Output<string>;
  payTo: pulumi.Output<string>;
  platformFeeBps: pulumi.Output<number>;
}

/** Declares the platform and one CreatorApi per `stacks/<stack>/apis/<slug>/`; returns the stack outputs. */
export async function definePlatform(options: ProgramOptions) {
  const { config, root, stack } = options;
  const { apis, errors } = loadStackApis(root, stack);
  if (errors.length) {
    throw new Error(
      `stack '${stack}' has ${errors.length} manifest problem(s):\n${errors.map((error) => `  ${error.message}`).join("\n")}`,
    );
  }
  // Predict everything before declaring anything: a fee or RPC error stops the run with its own
  // message instead of failing one resource half-way through an update. A creator's build error
  // (bad dataset, oversized data) stops only that API: see failedBuild below.
  const [builds, payTos] = await Promise.all([
    Promise.allSettled(apis.map((api) => options.build(api))),
    Promise.all(apis.map((api) => payToFor(api, config, options.splitPredictor))),
  ]);
  const [dispatchWorkerContent, outboundWorkerContent] = await Promise.all([
    options.bundle("dispatch/worker.ts"),
    options.bundle("outbound/worker.ts"),
  ]);
  const platform = new Platform("platform", {
    config,
    dispatchWorkerContent,
    outboundWorkerContent,
    migrations: readMigrations(join(root, "runtime/migrations")),
    ...(options.facilitatorAuth !== undefined ? { facilitatorAuth: options.facilitatorAuth } : {}),
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    ...(options.authSecret !== undefined ? { authSecret: options.authSecret } : {}),
    ...(options.receiverAuthorizerKey !== undefined
      ? { receiverAuthorizerKey: options.receiverAuthorizerKey }
      : {}),
  });
  const catalog: Record<string, ApiSummary> = {};
  const failedApis: Record<string, string> = {};
  builds.forEach((settled, index) => {
    const api = apis[index]!;
    const split = payTos[index]!;
    const apiDir = relative(root, api.dir).split("\\").join("/");
    let built: BuiltApi | undefined;
    if (settled.status === "fulfilled") built = settled.value;
    else {
      const reason = settled.reason instanceof Error ? settled.reason.message : String(settled.reason);
      failedApis[api.manifest.slug] = reason;
      // Not an exception: the other APIs still deploy (`pulumi up --continue-on-error`). The
      // resource stays declared (so Pulumi never deletes the live version) with a build marker;
      // its create or update then fails with the build's message. A warning here shows it in
      // the preview; an error would fail the whole program.
      pulumi.log.warn(`creator API ${api.manifest.slug} (${apiDir}) did not build: ${reason}`);
    }
    const slug = built?.slug ?? api.manifest.slug;
    // A declared secret without a value fails this API (its update is refused by the provider's
    // check, the live version is kept) and the offline plan; the names are shown, never values.
    const missing = missingApiSecrets(api.manifest, options.apiSecrets ?? {});
    if (missing.length) {
      const reason = `${api.file}: ${missing.join("; ")}`;
      failedApis[api.manifest.slug] = failedApis[api.manifest.slug]
        ? `${failedApis[api.manifest.slug]}; ${reason}`
        : reason;
      pulumi.log.warn(`creator API ${api.manifest.slug}: ${reason}`);
    }
    const resource = new CreatorApi(
      slug,
      {
        accountId: config.accountId,
        namespace: platform.namespaceName,
        databaseId: platform.databaseId,
        bucketName: platform.bucketName,
        kvNamespaceId: platform.kvNamespaceId,
        slug,
        apiDir,
        kind: built?.kind ?? api.manifest.kind,
        owner: api.manifest.owner,
        price: api.manifest.price,
        priceAtomic: (built?.priceAtomic ?? parseUsdPrice(api.manifest.price) ?? 0n).toString(),
        ...split,
        contentHash: built?.contentHash ?? UNBUILT,
        secretNames: api.manifest.secrets ?? [],
        secrets: pulumi.secret(secretsOf(api.manifest, options.apiSecrets ?? {})),
      },
      // The values stay encrypted in the state (inputs and outputs) and masked in every diff.
      { dependsOn: [platform.schema], additionalSecretOutputs: ["secrets"] },
    );
    catalog[slug] = {
      kind: built?.kind ?? api.manifest.kind,
      price: resource.price,
      payTo: resource.payTo,
      platformFeeBps: resource.platformFeeBps,
    };
  });
  return {
    gatewayUrl: platform.gatewayUrl,
    namespace: platform.namespaceName,
    databaseId: platform.databaseId,
    bucketName: platform.bucketName,
    kvNamespaceId: platform.kvNamespaceId,
    apis: catalog,
    /** APIs whose build failed this run (slug → error naming the file); their live version is kept. */
    failedApis,
  };
}
