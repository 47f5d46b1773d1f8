import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { SqlRunner } from "./types.ts";

/** A SqlRunner over node:sqlite, for tests and tools that hold a local SQLite file. */
export function sqliteRunner(db: DatabaseSync): SqlRunner {
  return {
    async all(sql, params = []) {
      return db.prepare(sql).all(...(params as SQLInputValue[])) as Record<string, unknown>[];
    },
    async run(statements) {
      db.exec("BEGIN");
      try {
        for (const { sql, params } of statements) db.prepare(sql).run(...(params as SQLInputValue[]));
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
  };
}
