import type { ColumnType, DatasetColumn } from "./dataset.ts";
import { QueryError } from "./query-error.ts";
import type { SortOrder } from "./sort-order.ts";
import { parseBooleanText, parseIsoDate } from "./values.ts";

/** Operators after `__` in `filter_<field>__<op>`; a bare `filter_<field>` is "eq". */
export const OPERATORS = ["gt", "gte", "lt", "lte", "ne", "contains", "in"] as const;
export type FilterOp = "eq" | (typeof OPERATORS)[number];

/** Number and date columns compare numbers (dates as epoch ms); booleans and strings compare as such. */
export type FilterValue = number | boolean | string;

export interface Filter {
  field: string;
  op: FilterOp;
  /** One value, or the list for `in`. */
  values: FilterValue[];
}

export interface Query {
  /** ANDed together. */
  filters: Filter[];
  sort?: { field: string; order: SortOrder };
  page: number;
  limit: number;
  /** Output fields in output order; every column when `fields` is absent. */
  fields: string[];
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
const FILTER_PREFIX = "filter_";
const SINGLE_PARAMS = new Set(["sort", "order", "page", "limit", "fields"]);
const ORDERED_OPS = new Set<FilterOp>(["gt", "gte", "lt", "lte"]);
// Query numbers are read a little more loosely than upload cells ("05", ".5"): the column type is known.
const QUERY_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses the data-API query grammar against a table's columns; throws QueryError (400) naming the culprit. */
export function parseQuery(params: URLSearchParams, columns: readonly DatasetColumn[]): Query {
  const types = new Map(columns.map((column) => [column.name, column.type]));
  const single = new Map<string, string>();
  const filters: Filter[] = [];
  for (const [key, raw] of params) {
    if (key.startsWith(FILTER_PREFIX)) {
      filters.push(parseFilter(key, raw, types));
    } else if (SINGLE_PARAMS.has(key)) {
      if (single.has(key)) throw new QueryError("duplicate_parameter", `"${key}" is given more than once`);
      single.set(key, raw);
    } else {
      throw new QueryError(
        "unknown_parameter",
        `unknown query parameter "${key}"; use filter_<field>, filter_<field>__<op>, sort, order, page, limit or fields`,
      );
    }
  }
  const query: Query = {
    filters,
    page: parsePage(single.get("page")),
    limit: parseLimit(single.get("limit")),
    fields: parseFields(single.get("fields"), columns, types),
  };
  const order = parseOrder(single.get("order"));
  const sort = single.get("sort");
  if (sort !== undefined) {
    if (!types.has(sort)) throw unknownField(sort, "sort", types);
    query.sort = { field: sort, order };
  }
  return query;
}

function parseFilter(key: string, raw: string, types: Map<string, ColumnType>): Filter {
  const rest = key.slice(FILTER_PREFIX.length);
  // Column names cannot contain "__", so the last "__" starts the operator (even for a name ending in "_").
  const split = rest.lastIndexOf("__");
  const field = split === -1 ? rest : rest.slice(0, split);
  const opText = split === -1 ? "eq" : rest.slice(split + 2);
  if (field === "")
    throw new QueryError("unknown_field", `"${key}" names no field; use filter_<field>=value`);
  const type = types.get(field);
  if (type === undefined) throw unknownField(field, key, types);
  if (opText !== "eq" && !(OPERATORS as readonly string[]).includes(opText)) {
    throw new QueryError(
      "unknown_operator",
      `unknown operator "${opText}" in ${key}; use one of ${OPERATORS.join(", ")}`,
    );
  }
  const op = opText as FilterOp;
  if (split !== -1 && op === "eq") {
    throw new QueryError("unknown_operator", `unknown operator "eq" in ${key}; write filter_${field}=value`);
  }
  if (type === "boolean" && ORDERED_OPS.has(op)) {
    throw new QueryError(
      "unsupported_operator",
      `${key}: "${op}" does not apply to boolean field "${field}"`,
    );
  }
  if (op === "contains" && type !== "string") {
    throw new QueryError(
      "unsupported_operator",
      `${key}: "contains" only applies to text fields; "${field}" is a ${type}`,
    );
  }
  const texts = op === "in" ? raw.split(",") : [raw];
  const values = texts.map((text) => parseValue(text, type, key, field));
  return { field, op, values };
}

function parseValue(text: string, type: ColumnType, key: string, field: string): FilterValue {
  if (text === "")
    throw new QueryError("invalid_value", `${key}: empty value; give a value for field "${field}"`);
  const bad = (kind: string) =>
    new QueryError("invalid_value", `${key}: "${text}" is not a valid ${kind} for field "${field}"`);
  switch (type) {
    case "number": {
      const value = Number(text);
      if (!QUERY_NUMBER.test(text) || !Number.isFinite(value)) throw bad("number");
      return value;
    }
    case "boolean": {
      const value = parseBooleanText(text);
      if (value === undefined) throw bad("boolean (true or false)");
      return value;
    }
    case "date": {
      const value = parseIsoDate(text);
      if (Number.isNaN(value)) throw bad("ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
      return value;
    }
    case "string":
      return text;
  }
}

function parsePage(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const page = Number(raw);
  if (!/^\d+$/.test(raw) || page < 1 || !Number.isSafeInteger(page)) {
    throw new QueryError("invalid_page", `page "${raw}" must be a whole number of 1 or more`);
  }
  return page;
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) {
    throw new QueryError("invalid_limit", `limit "${raw}" must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

function parseOrder(raw: string | undefined): SortOrder {
  if (raw === undefined) return "asc";
  if (raw === "asc" || raw === "desc") return raw;
  throw new QueryError("invalid_order", `order "${raw}" must be asc or desc`);
}

function parseFields(
  raw: string | undefined,
  columns: readonly DatasetColumn[],
  types: Map<string, ColumnType>,
): string[] {
  if (raw === undefined) return columns.map((column) => column.name);
  if (raw === "") throw new QueryError("invalid_fields", "fields is empty; list field names like fields=a,b");
  const fields = raw.split(",");
  const seen = new Set<string>();
  for (const field of fields) {
    if (field === "") throw new QueryError("invalid_fields", `fields "${raw}" has an empty name`);
    if (!types.has(field)) throw unknownField(field, "fields", types);
    if (seen.has(field)) throw new QueryError("invalid_fields", `fields lists "${field}" more than once`);
    seen.add(field);
  }
  return fields;
}

function unknownField(field: string, where: string, types: Map<string, ColumnType>): QueryError {
  const names = [...types.keys()];
  const known = names.length > 20 ? `${names.slice(0, 20).join(", ")}, ...` : names.join(", ");
  return new QueryError("unknown_field", `unknown field "${field}" in ${where}; fields are: ${known}`);
}
