import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { applyMigrations, readAppliedMigrations } from "./apply-migrations.ts";
import { type D1DatabaseLike, type D1StatementLike, d1BindingRunner } from "./d1-binding-runner.ts";
import { migrationHash } from "./read-migrations.ts";

// A D1-shaped binding over node:sqlite: prepare/bind/all and an all-or-nothing batch.
function fakeD1(db: DatabaseSync): D1DatabaseLike & { batches: number } {
  const statement = (sql: string, values: unknown[] = []): D1StatementLike & { exec(): void } => ({
    bind: (...next) => statement(sql, next),
    all: async () => ({ results: db.prepare(sql).all(...(values as SQLInputValue[])) }),
    exec: () => void db.prepare(sql).run(...(values as SQLInputValue[])),
  });
  const fake = {
    batches: 0,
    prepare: (sql: string) => statement(sql),
    async batch(list: D1StatementLike[]) {
      fake.batches++;
      db.exec("BEGIN");
      try {
        for (const s of list) (s as ReturnType<typeof statement>).exec();
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
      return [];
    },
  };
  return fake;
}

describe("d1BindingRunner", () => {
  it("applies migrations through the binding's batch, one batch per migration", async () => {
    const d1 = fakeD1(new DatabaseSync(":memory:"));
    const sql = "CREATE TABLE a (x INTEGER);";
    const applied = await applyMigrations(d1BindingRunner(d1), [
      { name: "0001_a.sql", sql, hash: migrationHash(sql) },
    ]);
    expect(applied).toEqual(["0001_a.sql"]);
    expect(d1.batches).toBe(2); // bookkeeping tables, then the migration with its records
    expect(await readAppliedMigrations(d1BindingRunner(d1))).toEqual([
      { name: "0001_a.sql", hash: migrationHash(sql) },
    ]);
  });
});
