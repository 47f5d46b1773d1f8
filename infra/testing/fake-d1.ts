// The D1 HTTP query endpoint in front of a real SQLite database (node:sqlite), so provider
// tests run real SQL through the exact request shapes the providers send.

import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { CannedResponse } from "./recording-fetch.ts";

interface Query {
  sql: string;
  params?: Array<string | null>;
}

/** Answers a `/query` body (`{ sql, params }` or `{ batch }`) like D1 does; a batch is atomic. */
export function answerD1Query(db: DatabaseSync, body: unknown): CannedResponse {
  const queries: Query[] = (body as { batch?: Query[] }).batch ?? [body as Query];
  if (
    queries.some(
      (query) =>
        typeof query.sql !== "string" ||
        (query.params ?? []).some((p) => p !== null && typeof p !== "string"),
    )
  ) {
    return { status: 400, errors: [{ code: 7400, message: "params must be strings (as documented)" }] };
  }
  db.exec("BEGIN");
  try {
    const result = queries.map((query) => {
      const statement = db.prepare(query.sql);
      const params = (query.params ?? []) as SQLInputValue[];
      if (statement.columns().length) return { results: statement.all(...params), success: true, meta: {} };
      statement.run(...params);
      const results: unknown[] = [];
      return { results, success: true, meta: {} };
    });
    db.exec("COMMIT");
    return { result };
  } catch (error) {
    db.exec("ROLLBACK");
    return {
      status: 400,
      errors: [{ code: 7500, message: `${String((error as Error).message)}: SQLITE_ERROR` }],
    };
  }
}
