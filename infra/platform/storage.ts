import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

export interface PlatformStorageArgs {
  accountId: string;
  prefix: string;
  /** Guard the catalog database and the data bucket against `pulumi destroy` (prod). */
  protectData: boolean;
}

/** The platform's state: D1 (catalog and ledger), R2 (creator datasets), KV (catalog cache). */
export class PlatformStorage extends pulumi.ComponentResource {
  readonly databaseId: pulumi.Output<string>;
  readonly databaseName: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly kvNamespaceId: pulumi.Output<string>;

  constructor(name: string, args: PlatformStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:Storage", name, {}, opts);
    const guarded = { parent: this, protect: args.protectData };
    const database = new cloudflare.D1Database(
      `${name}-db`,
      { accountId: args.accountId, name: `${args.prefix}-db` },
      guarded,
    );
    const bucket = new cloudflare.R2Bucket(
      `${name}-data`,
      { accountId: args.accountId, name: `${args.prefix}-data` },
      guarded,
    );
    const cache = new cloudflare.WorkersKvNamespace(
      `${name}-cache`,
      { accountId: args.accountId, title: `${args.prefix}-cache` },
      { parent: this },
    );
    this.databaseId = database.uuid;
    this.databaseName = database.name;
    this.bucketName = bucket.name;
    this.kvNamespaceId = cache.id;
    this.registerOutputs({
      databaseId: this.databaseId,
      bucketName: this.bucketName,
      kvNamespaceId: this.kvNamespaceId,
    });
  }
}
