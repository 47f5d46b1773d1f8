/**
 * The data template: one module worker per data API, serving a normalised dataset from R2 with the
 * query grammar. The dispatch worker strips `/<slug>`, so paths here are relative to the API.
 */
import { errorResponse, HttpError } from "../../shared/http-error.ts";
import type { DatasetColumn } from "./dataset.ts";
import { executeQuery } from "./execute.ts";
import { parseQuery } from "./parse-query.ts";
import { readDataset } from "./read-dataset.ts";
import { ROWS_HEADER } from "./rows-header.ts";
import { loadTable, type Table } from "./table.ts";

/** The subset of an R2 object body this worker uses (also what the local RPC stub offers). */
export interface DataObject {
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The subset of an R2 bucket binding this worker uses. */
export interface DataBucket {
  get(key: string): Promise<DataObject | null>;
}

export interface DataEnv {
  DATA: DataBucket;
  /** Object key of the normalised dataset JSON. */
  DATA_KEY: string;
}

interface LoadedTable {
  table: Table;
  columns: DatasetColumn[];
}

export type DataHandler = (request: Request, env: DataEnv) => Promise<Response>;

/** Creates a handler with its own warm table; the default export holds one per isolate. */
export function createDataHandler(): DataHandler {
  let cached: { key: string; table: Promise<LoadedTable> } | undefined;

  // One load per isolate and key, shared by concurrent requests; a failed load is forgotten so the next request retries.
  function tableFor(env: DataEnv): Promise<LoadedTable> {
    if (cached?.key !== env.DATA_KEY) {
      const entry = { key: env.DATA_KEY, table: load(env) };
      cached = entry;
      entry.table.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.table;
  }

  return async (request, env) => {
    const response = await route(request, env, tableFor);
    // HEAD answers like GET without a body.
    return request.method === "HEAD" ? new Response(null, response) : response;
  };
}

async function route(
  request: Request,
  env: DataEnv,
  tableFor: (env: DataEnv) => Promise<LoadedTable>,
): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  if (path !== "/" && path !== "/schema") {
    return errorResponse(404, "not_found", `no route ${path}; use GET / for rows or GET /schema for columns`);
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return errorResponse(
      405,
      "method_not_allowed",
      `${request.method} is not allowed; use GET`,
      {},
      { allow: "GET, HEAD" },
    );
  }
  try {
    const { table, columns } = await tableFor(env);
    // The rows returned, for APIs priced per row (the gateway charges them; /schema returns none).
    if (path === "/schema")
      return Response.json({ columns, rows: table.rowCount }, { headers: { [ROWS_HEADER]: "0" } });
    const result = executeQuery(table, parseQuery(url.searchParams, columns));
    return Response.json(result, { headers: { [ROWS_HEADER]: String(result.data.length) } });
  } catch (error) {
    if (error instanceof HttpError) return error.toResponse();
    console.error("data worker failed", error);
    return errorResponse(500, "internal_error", "the data API failed to answer; try again");
  }
}

async function load(env: DataEnv): Promise<LoadedTable> {
  const object = await env.DATA.get(env.DATA_KEY);
  if (!object) throw new HttpError(500, "dataset_missing", "the dataset for this API is not in storage");
  const dataset = readDataset(await object.json());
  // Only column specs and the table are kept; the parsed rows can be collected.
  return { table: loadTable(dataset), columns: dataset.columns.map(({ name, type }) => ({ name, type })) };
}

const handle = createDataHandler();

export default {
  fetch(request: Request, env: DataEnv): Promise<Response> {
    return handle(request, env);
  },
};
