import type { ApiRecord } from "../api-record.ts";
import { OPEN_FUNCTION_INPUT } from "../payments/discovery-block.ts";

/** A JSON Schema of an object, as OpenAPI parameters and MCP tool inputs need it. */
export interface ObjectSchema {
  type: "object";
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: unknown;
  description?: string;
}

/** What the catalog row says about a data API's columns (core/catalog/data-summary.ts). */
interface DataShape {
  columns?: Array<{ name: string; type: string }>;
  columnCount?: number;
  rows?: number;
  sample?: Record<string, unknown> | null;
}

const VALUE_SCHEMA: Record<string, Record<string, unknown>> = {
  number: { type: "number" },
  boolean: { type: "boolean" },
  date: { type: "string", description: "ISO 8601 date" },
  string: { type: "string" },
};
/** Which `filter_<field>__<op>` operators make sense per column type (the data template accepts them). */
const OPERATORS_BY_TYPE: Record<string, string[]> = {
  number: ["gt", "gte", "lt", "lte", "ne", "in"],
  date: ["gt", "gte", "lt", "lte", "ne", "in"],
  boolean: ["ne"],
  string: ["ne", "contains", "in"],
};
const OPERATOR_WORDS: Record<string, string> = {
  gt: "greater than",
  gte: "at least",
  lt: "less than",
  lte: "at most",
  ne: "not equal to",
  contains: "containing (case-insensitive)",
  in: "equal to one of (comma-separated)",
};

/** A data API's columns as the catalog row lists them (the first 100), with the real count. */
export function dataColumns(api: ApiRecord): {
  columns: Array<{ name: string; type: string }>;
  total: number;
} {
  const shape = (api.outputSchema ?? {}) as DataShape;
  const columns = Array.isArray(shape.columns) ? shape.columns : [];
  return { columns, total: Math.max(shape.columnCount ?? columns.length, columns.length) };
}

/**
 * The arguments of one call to an API, as a JSON Schema object: a data API's query grammar over
 * its columns (typed), or a function's declared input (or any query parameters when undeclared).
 */
export function apiArguments(api: ApiRecord): ObjectSchema {
  if (api.kind === "function") {
    return (api.inputSchema as ObjectSchema | null) ?? (OPEN_FUNCTION_INPUT as unknown as ObjectSchema);
  }
  const { columns, total } = dataColumns(api);
  const names = columns.map((column) => column.name);
  const properties: ObjectSchema["properties"] = {};
  for (const column of columns) {
    const value = VALUE_SCHEMA[column.type] ?? VALUE_SCHEMA.string!;
    properties[`filter_${column.name}`] = { ...value, description: `rows whose ${column.name} equals this` };
    for (const op of OPERATORS_BY_TYPE[column.type] ?? []) {
      const schema = op === "in" || op === "contains" ? { type: "string" } : value;
      properties[`filter_${column.name}__${op}`] = {
        ...schema,
        description: `rows whose ${column.name} is ${OPERATOR_WORDS[op]} this`,
      };
    }
  }
  Object.assign(properties, {
    sort: {
      type: "string",
      ...(names.length === total ? { enum: names } : {}),
      description: "field to sort by",
    },
    order: { type: "string", enum: ["asc", "desc"], description: "sort order (default asc)" },
    page: { type: "integer", minimum: 1, description: "page number (default 1)" },
    limit: { type: "integer", minimum: 1, maximum: 1000, description: "rows per page (default 100)" },
    fields: { type: "string", description: "comma-separated fields to return (default all)" },
  });
  const truncated = columns.length < total;
  return {
    type: "object",
    properties,
    // Every filter is listed unless the table is wider than the catalog row's columns.
    additionalProperties: truncated ? { type: "string" } : false,
    ...(truncated
      ? { description: `${columns.length} of ${total} columns listed; GET /${api.slug}/schema lists all` }
      : {}),
  };
}

/** A data API's response body: its rows with the inferred column types, and the pagination. */
export function dataResponseSchema(api: ApiRecord): Record<string, unknown> {
  const { columns } = dataColumns(api);
  const row = Object.fromEntries(
    columns.map((column) => {
      const type = (VALUE_SCHEMA[column.type] ?? VALUE_SCHEMA.string!).type as string;
      return [column.name, { type: [type, "null"] }];
    }),
  );
  return {
    type: "object",
    properties: {
      data: { type: "array", items: { type: "object", properties: row } },
      pagination: {
        type: "object",
        properties: {
          page: { type: "integer" },
          limit: { type: "integer" },
          total: { type: "integer", description: "rows matching the filters, on every page" },
        },
        required: ["page", "limit", "total"],
      },
    },
    required: ["data", "pagination"],
  };
}

/** The response of a data API's `GET /<slug>/schema`. */
export const DATA_SCHEMA_RESPONSE = {
  type: "object",
  properties: {
    columns: {
      type: "array",
      items: {
        type: "object",
        properties: {
          name: { type: "string" },
          type: { type: "string", enum: ["number", "boolean", "date", "string"] },
        },
      },
    },
    rows: { type: "integer" },
  },
} as const;

/**
 * The request an argument object makes: GET with the arguments as query parameters, or POST with
 * them as a JSON body (functions that declare `method: POST`). Non-string scalars are written as text.
 */
export function requestFor(
  api: ApiRecord,
  origin: string,
  args: Record<string, unknown>,
): { url: string; init: RequestInit } {
  const url = new URL(`/${api.slug}`, origin);
  if (api.method === "POST") {
    return {
      url: url.toString(),
      init: { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args) },
    };
  }
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    url.searchParams.set(name, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return { url: url.toString(), init: { method: "GET" } };
}
