import * as pulumi from "@pulumi/pulumi";
import type { Migration } from "../../core/migrations/types.ts";
import { cloudflareSdkUrl } from "../cloudflare/sdk.ts";
import { d1MigrationsProvider } from "./provider.ts";

/** Arguments: the database to migrate and the migration files (from readMigrations). */
export interface D1MigrationsArgs {
  accountId: pulumi.Input<string>;
  databaseId: pulumi.Input<string>;
  migrations: Migration[];
}

let provider: pulumi.dynamic.ResourceProvider | undefined;

/** The provider every D1Migrations resource uses (one instance, serialised once). */
export function sharedD1MigrationsProvider(): pulumi.dynamic.ResourceProvider {
  provider ??= d1MigrationsProvider({ sdkUrl: cloudflareSdkUrl() });
  return provider;
}

/** runtime/migrations applied to the platform D1 database, recorded the way wrangler records them. */
export class D1Migrations extends pulumi.dynamic.Resource {
  declare readonly applied: pulumi.Output<string[]>;
  declare readonly files: pulumi.Output<string[]>;

  constructor(name: string, args: D1MigrationsArgs, opts?: pulumi.CustomResourceOptions) {
    const files = args.migrations.map((migration) => migration.name);
    super(
      sharedD1MigrationsProvider(),
      name,
      { ...args, files, applied: undefined },
      opts,
      "402claw",
      "D1Migrations",
    );
  }
}
