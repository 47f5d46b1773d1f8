import type { SqlStatement } from "../../core/catalog/api-row.ts";
import type { SqlRow, SqlRunner } from "../../core/migrations/types.ts";
import { accountPath } from "./api.ts";
import type { CloudflareSdk } from "./sdk.ts";

interface D1QueryResult {
  results?: unknown[];
  success?: boolean;
}

/**
 * A SqlRunner over the D1 HTTP API through the SDK's `d1.database.query`
 * (`POST /accounts/{account}/d1/database/{db}/query`, body `{ sql, params }` or
 * `{ batch: [{ sql, params }] }`). Params go as strings because the API documents them as
 * strings; SQLite's column affinity turns them back into numbers.
 */
export function d1HttpRunner(sdk: CloudflareSdk, accountId: string, databaseId: string): SqlRunner {
  const label = `POST ${accountPath(accountId, "d1", "database", databaseId, "query")}`;
  const query = async (
    body:
      | { sql: string; params: Array<string | null> }
      | { batch: Array<{ sql: string; params: Array<string | null> }> },
  ) => {
    const answer = await sdk.call(label, async (client) =>
      // D1 takes null for SQL NULL though the generated type says string.
      (
        await client.d1.database.query(databaseId, {
          account_id: accountId,
          ...(body as { sql: string; params: string[] }),
        })
      ).getPaginatedItems(),
    );
    return (answer.result ?? []) as D1QueryResult[];
  };
  return {
    async all(sql, params = []) {
      const result = await query({ sql, params: toD1Params(params) });
      return (result[0]?.results ?? []) as SqlRow[];
    },
    async run(statements: SqlStatement[]) {
      if (!statements.length) return;
      const result = await query({
        batch: statements.map(({ sql, params }) => ({ sql, params: toD1Params(params) })),
      });
      const failed = result.findIndex((entry) => entry.success === false);
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
