// Applies wrangler-format migrations through any SqlRunner. This module is imported by the
// D1 migrations dynamic provider, whose closure Pulumi serialises: keep it to plain functions
// with no runtime imports other than split-sql.ts (no classes, no node: modules).

import type { SqlStatement } from "../catalog/api-row.ts";
import { splitSqlStatements } from "./split-sql.ts";
import type { Migration, SqlRunner } from "./types.ts";

/** Wrangler's bookkeeping table; writing it keeps `wrangler d1 migrations list` truthful. */
export const MIGRATIONS_TABLE = "d1_migrations";
/** Our side table: the sha256 each migration had when applied, to catch edited history. */
export const MIGRATION_HASHES_TABLE = "claw_migration_hashes";

/** A migration the database says it has applied; `hash` is null when applied by plain wrangler. */
export interface AppliedMigration {
  name: string;
  hash: string | null;
}

/** Statements creating the bookkeeping tables (wrangler's exact shape for d1_migrations). */
export function migrationTableStatements(): SqlStatement[] {
  return [
    {
      sql: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
      params: [],
    },
    {
      sql: `CREATE TABLE IF NOT EXISTS ${MIGRATION_HASHES_TABLE} (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, recorded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
      params: [],
    },
  ];
}

/** What the database has applied, in order; empty for a database never migrated. Read-only. */
export async function readAppliedMigrations(runner: SqlRunner): Promise<AppliedMigration[]> {
  const tables = await runner.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)", [
    MIGRATIONS_TABLE,
    MIGRATION_HASHES_TABLE,
  ]);
  const names = tables.map((row) => String(row.name));
  if (!names.includes(MIGRATIONS_TABLE)) return [];
  const rows = names.includes(MIGRATION_HASHES_TABLE)
    ? await runner.all(
        `SELECT m.name AS name, h.sha256 AS hash FROM ${MIGRATIONS_TABLE} m LEFT JOIN ${MIGRATION_HASHES_TABLE} h ON h.name = m.name ORDER BY m.id`,
      )
    : await runner.all(`SELECT name, NULL AS hash FROM ${MIGRATIONS_TABLE} ORDER BY id`);
  return rows.map((row) => ({ name: String(row.name), hash: row.hash == null ? null : String(row.hash) }));
}

/**
 * The migrations still to apply, in file order. Refuses (throws) when an applied migration's
 * file was edited or removed: history that no longer matches the database would make every
 * fresh environment differ from the live one.
 */
export function planMigrations(files: Migration[], applied: AppliedMigration[]): Migration[] {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const done of applied) {
    const file = byName.get(done.name);
    if (!file) {
      throw migrationError(
        `migration ${done.name} is applied to the database but its file is missing from the migrations folder`,
        `restore ${done.name}; to undo its effect, add a new migration instead of deleting history`,
      );
    }
    if (done.hash !== null && done.hash !== file.hash) {
      throw migrationError(
        `migration ${done.name} was edited after it was applied (applied sha256 ${done.hash.slice(0, 12)}…, file now ${file.hash.slice(0, 12)}…)`,
        `restore ${done.name} to its applied text and put the change in a new migration file with the next number`,
      );
    }
  }
  const appliedNames = new Set(applied.map((done) => done.name));
  return files.filter((file) => !appliedNames.has(file.name));
}

/** Reads the database and returns the pending migrations without writing anything. */
export async function pendingMigrations(runner: SqlRunner, files: Migration[]): Promise<Migration[]> {
  return planMigrations(files, await readAppliedMigrations(runner));
}

/**
 * Applies pending migrations, each as one atomic batch that also records it in d1_migrations
 * (as `wrangler d1 migrations apply` does) and in the hash table. Returns the names applied.
 */
export async function applyMigrations(runner: SqlRunner, files: Migration[]): Promise<string[]> {
  await runner.run(migrationTableStatements());
  const applied = await readAppliedMigrations(runner);
  const pending = planMigrations(files, applied);
  // Migrations applied by plain wrangler have no recorded hash: adopt today's text as their hash.
  const adopt = applied.filter((done) => done.hash === null).map((done) => hashRow(files, done.name));
  if (adopt.length) await runner.run(adopt);
  for (const migration of pending) {
    const statements: SqlStatement[] = splitSqlStatements(migration.sql).map((sql) => ({ sql, params: [] }));
    statements.push({ sql: `INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES (?)`, params: [migration.name] });
    statements.push(hashRow(files, migration.name));
    try {
      await runner.run(statements);
    } catch (error) {
      throw migrationError(
        `migration ${migration.name} failed and was not recorded: ${error instanceof Error ? error.message : String(error)}`,
        `fix ${migration.name} (it was never applied, so editing it is fine) and deploy again`,
      );
    }
  }
  return pending.map((migration) => migration.name);
}

function hashRow(files: Migration[], name: string): SqlStatement {
  const file = files.find((candidate) => candidate.name === name)!;
  return {
    sql: `INSERT INTO ${MIGRATION_HASHES_TABLE} (name, sha256) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
    params: [name, file.hash],
  };
}

// A plain Error (not a class) so the function stays serialisable inside a dynamic provider.
function migrationError(problem: string, fix: string): Error {
  const error = new Error(`${problem}. Fix: ${fix}`);
  error.name = "MigrationError";
  return error;
}
