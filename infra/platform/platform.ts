import * as pulumi from "@pulumi/pulumi";
import type { Migration } from "../../core/migrations/types.ts";
import type { PlatformConfig } from "../config.ts";
import { D1Migrations } from "../d1-migrations/d1-migrations.ts";
import { DispatchNamespace } from "./dispatch-namespace.ts";
import { DispatchWorker } from "./dispatch-worker.ts";
import { EdgeRules } from "./edge-rules.ts";
import { GatewayDomain } from "./gateway-domain.ts";
import { OutboundWorker } from "./outbound-worker.ts";
import { PlatformStorage } from "./storage.ts";

export interface PlatformArgs {
  config: PlatformConfig;
  dispatchWorkerContent: pulumi.Input<string>;
  outboundWorkerContent: pulumi.Input<string>;
  migrations: Migration[];
  facilitatorAuth?: pulumi.Input<string>;
  adminToken?: pulumi.Input<string>;
  authSecret?: pulumi.Input<string>;
  /** Signs batch-settlement claims and refunds (a secret); unset = only `exact` is offered. */
  receiverAuthorizerKey?: pulumi.Input<string>;
}

/** Everything but the creator APIs: storage, namespace, both platform workers, domain, edge rules, schema. */
export class Platform extends pulumi.ComponentResource {
  readonly gatewayUrl: pulumi.Output<string>;
  readonly namespaceName: pulumi.Output<string>;
  readonly databaseId: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly kvNamespaceId: pulumi.Output<string>;
  /** Creator APIs register catalog rows: they must wait for the schema. */
  readonly schema: D1Migrations;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:Platform", name, {}, opts);
    const { config } = args;
    const parent = { parent: this };
    const prefix = config.resourcePrefix;
    const storage = new PlatformStorage(
      "storage",
      { accountId: config.accountId, prefix, protectData: config.protectData },
      parent,
    );
    const namespace = new DispatchNamespace("dispatch", { accountId: config.accountId, prefix }, parent);
    this.schema = new D1Migrations(
      "schema",
      { accountId: config.accountId, databaseId: storage.databaseId, migrations: args.migrations },
      parent,
    );
    const outbound = new OutboundWorker(
      "outbound",
      {
        accountId: config.accountId,
        scriptName: `${prefix}-outbound`,
        content: args.outboundWorkerContent,
        egressRateLimit: config.egressRateLimit,
      },
      parent,
    );
    const gateway = new DispatchWorker(
      "gateway",
      {
        accountId: config.accountId,
        scriptName: `${prefix}-gateway`,
        content: args.dispatchWorkerContent,
        namespaceName: namespace.namespaceName,
        outboundScriptName: outbound.scriptName,
        databaseId: storage.databaseId,
        bucketName: storage.bucketName,
        kvNamespaceId: storage.kvNamespaceId,
        config,
        ...(args.facilitatorAuth !== undefined ? { facilitatorAuth: args.facilitatorAuth } : {}),
        ...(args.adminToken !== undefined ? { adminToken: args.adminToken } : {}),
        ...(args.authSecret !== undefined ? { authSecret: args.authSecret } : {}),
        ...(args.receiverAuthorizerKey !== undefined
          ? { receiverAuthorizerKey: args.receiverAuthorizerKey }
          : {}),
      },
      // The gateway reads tables the migrations create.
      { parent: this, dependsOn: [this.schema] },
    );
    const domain = new GatewayDomain(
      "domain",
      {
        accountId: config.accountId,
        zoneId: config.zoneId,
        hostname: config.hostname,
        mode: config.routeMode,
        scriptName: gateway.scriptName,
      },
      parent,
    );
    new EdgeRules(
      "edge",
      { zoneId: config.zoneId, hostname: config.hostname, rateLimit: config.rateLimit, waf: config.waf },
      parent,
    );
    this.gatewayUrl = domain.url;
    this.namespaceName = namespace.namespaceName;
    this.databaseId = storage.databaseId;
    this.bucketName = storage.bucketName;
    this.kvNamespaceId = storage.kvNamespaceId;
    this.registerOutputs({
      gatewayUrl: this.gatewayUrl,
      namespaceName: this.namespaceName,
      databaseId: this.databaseId,
    });
  }
}
