import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { applyMigrations, pendingMigrations, readAppliedMigrations } from "./apply-migrations.ts";
import { migrationHash, readMigrations } from "./read-migrations.ts";
import { sqliteRunner } from "./sqlite-runner.ts";
import type { Migration } from "./types.ts";

const m = (name: string, sql: string): Migration => ({ name, sql, hash: migrationHash(sql) });
const tables = (db: DatabaseSync) =>
  db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);

describe("applyMigrations on real SQLite", () => {
  it("applies the platform schema once and records it the way wrangler does", async () => {
    const db = new DatabaseSync(":memory:");
    const runner = sqliteRunner(db);
    const files = readMigrations(join(import.meta.dirname, "../../runtime/migrations"));
    expect((await pendingMigrations(runner, files)).map((f) => f.name)).toEqual(files.map((f) => f.name));
    expect(await applyMigrations(runner, files)).toEqual(files.map((f) => f.name));
    expect(tables(db)).toEqual(expect.arrayContaining(["apis", "creators", "payments", "d1_migrations"]));
    // wrangler's exact bookkeeping shape, so `wrangler d1 migrations list` reads it.
    const columns = db.prepare("PRAGMA table_info(d1_migrations)").all();
    expect(columns.map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ["id", "INTEGER", 0, 1],
      ["name", "TEXT", 0, 0],
      ["applied_at", "TIMESTAMP", 1, 0],
    ]);
    expect(
      db
        .prepare("SELECT name FROM d1_migrations")
        .all()
        .map((r) => r.name),
    ).toEqual(files.map((f) => f.name));
    expect(await applyMigrations(runner, files)).toEqual([]);
    expect(await pendingMigrations(runner, files)).toEqual([]);
  });

  it("applies only the new file on the next run", async () => {
    const runner = sqliteRunner(new DatabaseSync(":memory:"));
    const first = m("0001_a.sql", "CREATE TABLE a (x INTEGER);");
    await applyMigrations(runner, [first]);
    const second = m("0002_b.sql", "CREATE TABLE b (y TEXT);\nINSERT INTO b VALUES ('semi;colon');");
    expect((await pendingMigrations(runner, [first, second])).map((f) => f.name)).toEqual(["0002_b.sql"]);
    expect(await applyMigrations(runner, [first, second])).toEqual(["0002_b.sql"]);
  });

  it("refuses an applied migration whose file was edited, naming it and the fix", async () => {
    const runner = sqliteRunner(new DatabaseSync(":memory:"));
    await applyMigrations(runner, [m("0001_a.sql", "CREATE TABLE a (x INTEGER);")]);
    const edited = [m("0001_a.sql", "CREATE TABLE a (x INTEGER, y TEXT);")];
    await expect(applyMigrations(runner, edited)).rejects.toThrow(
      /migration 0001_a.sql was edited after it was applied .*Fix: restore 0001_a.sql .* new migration/,
    );
    await expect(pendingMigrations(runner, edited)).rejects.toThrow(/edited after it was applied/);
  });

  it("refuses when an applied migration's file is gone", async () => {
    const runner = sqliteRunner(new DatabaseSync(":memory:"));
    await applyMigrations(runner, [m("0001_a.sql", "CREATE TABLE a (x INTEGER);")]);
    await expect(applyMigrations(runner, [])).rejects.toThrow(/0001_a.sql is applied .* file is missing/);
  });

  it("rolls back a failing migration: nothing half-applied, nothing recorded", async () => {
    const db = new DatabaseSync(":memory:");
    const runner = sqliteRunner(db);
    const bad = m("0001_bad.sql", "CREATE TABLE ok (x INTEGER);\nCREATE TABLE broken (;");
    await expect(applyMigrations(runner, [bad])).rejects.toThrow(/0001_bad.sql failed and was not recorded/);
    expect(tables(db)).not.toContain("ok");
    expect(await readAppliedMigrations(runner)).toEqual([]);
  });

  it("adopts migrations applied by plain wrangler (no hash yet), then guards them", async () => {
    const db = new DatabaseSync(":memory:");
    db.exec(
      "CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);" +
        "CREATE TABLE a (x INTEGER); INSERT INTO d1_migrations (name) VALUES ('0001_a.sql');",
    );
    const runner = sqliteRunner(db);
    const file = m("0001_a.sql", "CREATE TABLE a (x INTEGER);");
    expect(await readAppliedMigrations(runner)).toEqual([{ name: "0001_a.sql", hash: null }]);
    expect(await applyMigrations(runner, [file])).toEqual([]);
    expect(await readAppliedMigrations(runner)).toEqual([{ name: "0001_a.sql", hash: file.hash }]);
    await expect(applyMigrations(runner, [m("0001_a.sql", "-- changed")])).rejects.toThrow(/edited/);
  });
});
