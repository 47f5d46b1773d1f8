// The D1 migrations dynamic provider. Pulumi serialises this closure into the state: runtime
// imports are plain functions only (core/migrations, the Cloudflare client).

import type * as pulumi from "@pulumi/pulumi";
import {
  applyMigrations,
  planMigrations,
  readAppliedMigrations,
} from "../../core/migrations/apply-migrations.ts";
import { cloudflareContext, DEFAULT_RETRY, type RetryPolicy } from "../cloudflare/api.ts";
import { d1HttpRunner } from "../cloudflare/d1-http-runner.ts";
import { cloudflareSdk } from "../cloudflare/sdk.ts";
import type { D1MigrationsInputs, D1MigrationsOutputs } from "./types.ts";

/** Builds the provider that applies runtime/migrations to the platform's D1 database. */
export function d1MigrationsProvider(options: {
  /** file:// URL of the `cloudflare` SDK package (cloudflareSdkUrl()), loaded at call time. */
  sdkUrl: string;
  retry?: RetryPolicy;
}): pulumi.dynamic.ResourceProvider {
  const session: { token?: string } = {};
  const runner = async (inputs: D1MigrationsInputs) =>
    d1HttpRunner(
      await cloudflareSdk(cloudflareContext(session.token, options.retry ?? DEFAULT_RETRY), options.sdkUrl),
      inputs.accountId,
      inputs.databaseId,
    );

  async function apply(inputs: D1MigrationsInputs): Promise<D1MigrationsOutputs> {
    const db = await runner(inputs);
    await applyMigrations(db, inputs.migrations);
    const applied = (await readAppliedMigrations(db)).map((migration) => migration.name);
    return { ...inputs, applied };
  }

  return {
    async configure(request: pulumi.dynamic.ConfigureRequest) {
      const token = request.config.get("cloudflare:apiToken");
      if (token) session.token = token;
    },

    // Preview-time guard from state alone: an applied file whose text changed is refused
    // before anything runs (apply re-checks against the live hash table).
    async check(olds: D1MigrationsOutputs | undefined, news: D1MigrationsInputs) {
      const appliedBefore = olds?.databaseId === news.databaseId ? (olds.applied ?? []) : [];
      const hashes = new Map((olds?.migrations ?? []).map((migration) => [migration.name, migration.hash]));
      try {
        planMigrations(
          news.migrations,
          appliedBefore.map((name) => ({ name, hash: hashes.get(name) ?? null })),
        );
      } catch (error) {
        return {
          failures: [
            { property: "migrations", reason: error instanceof Error ? error.message : String(error) },
          ],
        };
      }
      return { inputs: { ...news, files: news.migrations.map((migration) => migration.name) } };
    },

    async diff(_id: string, olds: D1MigrationsOutputs, news: D1MigrationsInputs) {
      const replaces = ["accountId", "databaseId"].filter(
        (key) => olds[key as "accountId"] !== news[key as "accountId"],
      );
      const pending = news.migrations.filter((migration) => !(olds.applied ?? []).includes(migration.name));
      return { changes: replaces.length > 0 || pending.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: D1MigrationsInputs) {
      return { id: `${inputs.databaseId}/migrations`, outs: await apply(inputs) };
    },

    async update(_id: string, _olds: D1MigrationsOutputs, news: D1MigrationsInputs) {
      return { outs: await apply(news) };
    },

    // Deleting this resource forgets the bookkeeping only: tables and rows stay. Dropping data
    // is never a side effect of a deploy; remove the database itself if that is what you want.
    async delete() {},

    async read(id: string, props: D1MigrationsOutputs) {
      const applied = (await readAppliedMigrations(await runner(props))).map((migration) => migration.name);
      return { id, props: { ...props, applied } };
    },
  };
}
