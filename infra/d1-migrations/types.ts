import type { Migration } from "../../core/migrations/types.ts";

/** Inputs of the D1 migrations resource: the target database and the migration files. */
export interface D1MigrationsInputs {
  accountId: string;
  databaseId: string;
  /** File names, in order: what a reviewer reads in the preview diff. */
  files: string[];
  migrations: Migration[];
}

/** State: inputs plus the migration names the database has applied. */
export interface D1MigrationsOutputs extends D1MigrationsInputs {
  applied: string[];
}
