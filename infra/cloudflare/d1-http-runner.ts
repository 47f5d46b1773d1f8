import type { SqlStatement } from "../../core/catalog/api-row.ts";
import type { SqlRow, SqlRunner } from "../../core/migrations/types.ts";
import { accountPath, type CloudflareContext, cloudflareRequest } from "./api.ts";

interface D1QueryResult {
  results?: SqlRow[];
  success?: boolean;
}

/**
 * A SqlRunner over the D1 HTTP API (`POST /accounts/{account}/d1/database/{db}/query`, body
 * `{ sql, params }` or `{ batch: [{ sql, params }] }`). Params go as strings because the API
 * documents them as strings; SQLite's column affinity turns them back into numbers.
 */
export function d1HttpRunner(ctx: CloudflareContext, accountId: string, databaseId: string): SqlRunner {
  const path = accountPath(accountId, "d1", "database", databaseId, "query");
  return {
    async all(sql, params = []) {
      const answer = await cloudflareRequest<D1QueryResult[]>(ctx, {
        method: "POST",
        path,
        body: { sql, params: toD1Params(params) },
      });
      return answer.result?.[0]?.results ?? [];
    },
    async run(statements: SqlStatement[]) {
      if (!statements.length) return;
      const answer = await cloudflareRequest<D1QueryResult[]>(ctx, {
        method: "POST",
        path,
        body: { batch: statements.map(({ sql, params }) => ({ sql, params: toD1Params(params) })) },
      });
      const failed = (answer.result ?? []).findIndex((result) => result.success === false);
      if (failed !== -1)
        throw new Error(
          `D1 statement ${failed + 1} of the batch failed: ${statements[failed]?.sql.slice(0, 80)}`,
        );
    },
  };
}

/** D1's documented parameter type is string; null stays null (SQL NULL). */
export function toD1Params(params: SqlStatement["params"]): Array<string | null> {
  return params.map((value) => (value === null ? null : String(value)));
}
