import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { BINDINGS, PAYER_LEDGER_CLASS } from "../../core/bindings.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../../core/build/compat.ts";
import type { OutboundParams } from "../../runtime/outbound/handle-outbound.ts";
import type { ScriptBinding } from "../cloudflare/namespace-scripts.ts";
import type { PlatformConfig } from "../config.ts";
import { GatewayScript } from "../gateway-script/gateway-script.ts";
import { GATEWAY_MIGRATIONS } from "../gateway-script/migrations.ts";

export { PAYER_LEDGER_CLASS };

/**
 * Outbound params the dispatch worker passes per creator call (runtime/dispatch/forward.ts); the
 * outbound worker reads each from `env.<name>` (runtime/outbound/worker.ts). Typed by
 * OutboundParams so a renamed or added param cannot be forgotten here.
 */
export const OUTBOUND_PARAMS: ReadonlyArray<keyof OutboundParams> = ["slug", "owner", "egress"];

export interface DispatchWorkerArgs {
  accountId: string;
  scriptName: string;
  /** The bundled runtime/dispatch/worker.ts (one ES module). */
  content: pulumi.Input<string>;
  namespaceName: pulumi.Input<string>;
  outboundScriptName: pulumi.Input<string>;
  databaseId: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  kvNamespaceId: pulumi.Input<string>;
  config: PlatformConfig;
  facilitatorAuth?: pulumi.Input<string>;
  /** Bearer token of POST /admin/reconcile and GET /admin/ledger; unset = no admin endpoints. */
  adminToken?: pulumi.Input<string>;
  /** Signs creator sessions (runtime/dispatch/creators). */
  authSecret?: pulumi.Input<string>;
  /** Signs batch-settlement claims and refunds; unset = the gateway offers only `exact`. */
  receiverAuthorizerKey?: pulumi.Input<string>;
}

/**
 * The gateway: routing, x402 gate, catalog; owns the payer-ledger Durable Object class, and on a
 * cron schedule reconciles payments whose settlement outcome is unknown against the chain.
 */
export class DispatchWorker extends pulumi.ComponentResource {
  readonly scriptName: pulumi.Output<string>;

  constructor(name: string, args: DispatchWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:DispatchWorker", name, {}, opts);
    // Uploaded by the GatewayScript provider: the ledger's migration (tag v1) goes with the first
    // upload only, and the outbound params in the API's `[{ name }]` shape.
    const script = new GatewayScript(
      `${name}-script`,
      {
        accountId: args.accountId,
        scriptName: args.scriptName,
        content: args.content,
        mainModule: "worker.js",
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        bindings: dispatchBindings(args),
        migrations: GATEWAY_MIGRATIONS,
      },
      { parent: this },
    );
    // The script's `scheduled` handler reads authorizationState / AuthorizationUsed through RPC_URL.
    new cloudflare.WorkersCronTrigger(
      `${name}-reconcile`,
      {
        accountId: args.accountId,
        scriptName: script.scriptName,
        schedules: [{ cron: args.config.reconcileCron }],
      },
      { parent: this },
    );
    this.scriptName = script.scriptName;
    this.registerOutputs({ scriptName: this.scriptName });
  }
}

/** The dispatch worker's bindings in the upload's shape; names are the contract with runtime/dispatch/env.ts. */
export function dispatchBindings(args: DispatchWorkerArgs): pulumi.Output<ScriptBinding[]> {
  const { config } = args;
  const plain = (name: string, text: string): ScriptBinding => ({ type: "plain_text", name, text });
  const secret = (name: string, text: pulumi.Input<string> | undefined) =>
    text === undefined
      ? pulumi.output(undefined)
      : pulumi.output(text).apply((value): ScriptBinding => ({ type: "secret_text", name, text: value }));
  return pulumi
    .all([
      args.namespaceName,
      args.outboundScriptName,
      args.databaseId,
      args.bucketName,
      args.kvNamespaceId,
      // One input for every secret keeps pulumi.all's tuple typing (it stops at eight inputs).
      pulumi.all([
        secret("FACILITATOR_AUTH", args.facilitatorAuth),
        secret("ADMIN_TOKEN", args.adminToken),
        secret("AUTH_SECRET", args.authSecret),
        secret("RECEIVER_AUTHORIZER_KEY", args.receiverAuthorizerKey),
      ]),
    ])
    .apply(([namespace, outbound, databaseId, bucketName, kvNamespaceId, secrets]): ScriptBinding[] => [
      {
        type: "dispatch_namespace",
        name: BINDINGS.dispatcher,
        namespace,
        outbound: {
          worker: { service: outbound },
          params: OUTBOUND_PARAMS.map((param) => ({ name: param })),
        },
      },
      { type: "d1", name: BINDINGS.db, database_id: databaseId },
      { type: "r2_bucket", name: BINDINGS.data, bucket_name: bucketName },
      { type: "kv_namespace", name: BINDINGS.cache, namespace_id: kvNamespaceId },
      { type: "durable_object_namespace", name: BINDINGS.payerLedger, class_name: PAYER_LEDGER_CLASS },
      plain("ENVIRONMENT", config.stack),
      // The public origin of the gateway: the 402's resource.url and catalog links are built from
      // it, never from the request's Host header.
      plain("PUBLIC_ORIGIN", `https://${config.hostname}`),
      ...(config.marketplaceName ? [plain("MARKETPLACE_NAME", config.marketplaceName)] : []),
      ...(config.contact ? [plain("CONTACT", config.contact)] : []),
      plain("X402_NETWORK", config.network),
      plain("X402_ASSET", config.asset),
      plain("X402_ASSET_NAME", config.assetName),
      plain("X402_ASSET_VERSION", config.assetVersion),
      plain("FACILITATOR_URL", config.facilitatorUrl),
      plain("PLATFORM_FEE_BPS", String(config.platformFeeBps)),
      plain("PLATFORM_WALLET", config.platformWallet),
      plain("MAX_BODY_BYTES", String(config.maxBodyBytes)),
      plain("X402_MAX_TIMEOUT_SECONDS", String(config.maxTimeoutSeconds)),
      // Plain text: visible in the dashboard and state. Use a provider URL whose key is restricted
      // (or none); the docs say so.
      plain("RPC_URL", config.rpcUrl),
      ...(secrets.filter((binding) => binding !== undefined) as ScriptBinding[]),
    ]);
}
