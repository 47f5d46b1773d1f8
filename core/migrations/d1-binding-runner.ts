import type { SqlRunner } from "./types.ts";

/** The slice of a Workers D1 binding (or Miniflare's `getD1Database()`) the runner needs. */
export interface D1DatabaseLike {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<unknown>;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all(): Promise<{ results?: unknown[] }>;
}

/** A SqlRunner over a D1 binding: the local stack applies migrations with exactly the provider's code. */
export function d1BindingRunner(db: D1DatabaseLike): SqlRunner {
  return {
    async all(sql, params = []) {
      const { results } = await db
        .prepare(sql)
        .bind(...params)
        .all();
      return (results ?? []) as Record<string, unknown>[];
    },
    async run(statements) {
      if (!statements.length) return;
      // D1's batch is a transaction: every statement lands or none does.
      await db.batch(statements.map(({ sql, params }) => db.prepare(sql).bind(...params)));
    },
  };
}
