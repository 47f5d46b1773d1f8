import type { SqlStatement } from "../catalog/api-row.ts";

/** One wrangler-format migration file (`NNNN_name.sql`) with the sha256 of its text. */
export interface Migration {
  name: string;
  sql: string;
  hash: string;
}

/** A row as returned by a query: column name to value. */
export type SqlRow = Record<string, unknown>;

/**
 * The smallest database face both deploy paths share: a D1 binding (local stack), the D1 HTTP
 * API (the Pulumi provider) and node:sqlite (tests) all implement it, so migrations are applied
 * by one piece of code everywhere.
 */
export interface SqlRunner {
  /** Runs one read statement and returns its rows. */
  all(sql: string, params?: SqlStatement["params"]): Promise<SqlRow[]>;
  /** Runs the statements in order as one atomic batch. */
  run(statements: SqlStatement[]): Promise<void>;
}
