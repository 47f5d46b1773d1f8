import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../../core/build/compat.ts";
import type { PlatformConfig } from "../config.ts";

type Binding = cloudflare.types.input.WorkersScriptBinding;

/** Outbound params the dispatch worker passes per creator call (contract with runtime/outbound). */
export const OUTBOUND_PARAMS = ["slug", "owner", "egress"];
/** Durable Object class of the payer ledger, exported by the dispatch worker. */
export const PAYER_LEDGER_CLASS = "PayerLedger";

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
}

/**
 * The gateway: routing, x402 gate, catalog; owns the payer-ledger Durable Object class, and on a
 * cron schedule reconciles payments whose settlement outcome is unknown against the chain.
 */
export class DispatchWorker extends pulumi.ComponentResource {
  readonly scriptName: pulumi.Output<string>;

  constructor(name: string, args: DispatchWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:DispatchWorker", name, {}, opts);
    const script = new cloudflare.WorkersScript(
      `${name}-script`,
      {
        accountId: args.accountId,
        scriptName: args.scriptName,
        content: args.content,
        mainModule: "worker.js",
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        bindings: dispatchBindings(args),
        // The ledger is a SQLite-backed Durable Object class introduced at tag v1.
        migrations: { newTag: "v1", newSqliteClasses: [PAYER_LEDGER_CLASS] },
        observability: { enabled: true },
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

/** The dispatch worker's bindings; names are the contract with runtime/dispatch/env.ts. */
export function dispatchBindings(args: DispatchWorkerArgs): Binding[] {
  const { config } = args;
  const plain = (name: string, text: string): Binding => ({ type: "plain_text", name, text });
  const bindings: Binding[] = [
    {
      type: "dispatch_namespace",
      name: "DISPATCHER",
      namespace: args.namespaceName,
      outbound: { worker: { service: args.outboundScriptName }, params: OUTBOUND_PARAMS },
    },
    { type: "d1", name: "DB", id: args.databaseId },
    { type: "r2_bucket", name: "DATA", bucketName: args.bucketName },
    { type: "kv_namespace", name: "CACHE", namespaceId: args.kvNamespaceId },
    { type: "durable_object_namespace", name: "PAYER_LEDGER", className: PAYER_LEDGER_CLASS },
    plain("ENVIRONMENT", config.stack),
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
  ];
  if (args.facilitatorAuth !== undefined)
    bindings.push({ type: "secret_text", name: "FACILITATOR_AUTH", text: args.facilitatorAuth });
  if (args.adminToken !== undefined)
    bindings.push({ type: "secret_text", name: "ADMIN_TOKEN", text: args.adminToken });
  if (args.authSecret !== undefined)
    bindings.push({ type: "secret_text", name: "AUTH_SECRET", text: args.authSecret });
  return bindings;
}
