import { declareDiscoveryExtension } from "@x402/extensions/bazaar";
import type { ApiRecord } from "../api-record.ts";

/**
 * The Bazaar block travels in every 402's PAYMENT-REQUIRED header, which clients cap (Node's fetch
 * refuses headers over 16 KB; the platform keeps the whole header under 8 KB). Its UTF-8 JSON stays
 * within this budget whatever the creator's data looks like: columns are listed while they fit,
 * with a note saying how many there are and where the full schema is.
 */
export const DISCOVERY_BUDGET_BYTES = 3_000;
const MAX_EXAMPLE_PARAMS = 10;
const MAX_EXAMPLE_CHARS = 64;

const JSON_TYPES: Record<string, string> = {
  number: "number",
  boolean: "boolean",
  date: "string",
  string: "string",
};

const GRAMMAR_INPUT = {
  properties: Object.fromEntries(
    ["sort", "order", "page", "limit", "fields"].map((name) => [name, { type: "string" }]),
  ),
  additionalProperties: {
    type: "string",
    description: "filter_<field>[__gt|gte|lt|lte|ne|contains|in]=value",
  },
};

/** What the catalog row says about a data API's rows (see core/catalog/data-summary.ts). */
interface DataShape {
  columns?: Array<{ name: string; type: string }>;
  columnCount?: number;
  rows?: number;
  sample?: Record<string, unknown> | null;
}

type Discovery = ReturnType<typeof declareDiscoveryExtension>;

/**
 * What a function without a declared `input` accepts: any query parameters (its example shows
 * which). Declared, so indexers still count it as invocable (x402scan skips blocks without one).
 */
export const OPEN_FUNCTION_INPUT = {
  type: "object",
  additionalProperties: { type: "string" },
  description: "query parameters; see the API's example",
} as const;
/** Blocks already fitted, per decoded catalog row (its `outputSchema` object): fitting is not redone per call. */
const fittedBlocks = new WeakMap<object, Discovery>();

/** The API's Bazaar discovery extension, within DISCOVERY_BUDGET_BYTES. */
export function discoveryFor(api: ApiRecord): Discovery {
  const key = api.outputSchema;
  if (typeof key !== "object" || key === null) return discoveryOf(api);
  let block = fittedBlocks.get(key);
  if (!block) {
    block = discoveryOf(api);
    fittedBlocks.set(key, block);
  }
  return block;
}

function discoveryOf(api: ApiRecord): Discovery {
  const input = exampleInput(api);
  if (api.kind === "function") return functionDiscovery(api, input);
  const shape = api.outputSchema as DataShape | null;
  const columns = api.kind === "data" && shape?.sample && Array.isArray(shape.columns) ? shape.columns : [];
  if (columns.length === 0 || !shape?.sample) return fitted(declareDiscoveryExtension({ input }));
  const total = Math.max(shape.columnCount ?? columns.length, columns.length);
  const withColumns = (count: number) =>
    declareDiscoveryExtension({
      input,
      inputSchema: GRAMMAR_INPUT,
      output: {
        example: exampleRows(columns.slice(0, count), shape.sample!, shape.rows),
        schema: rowsSchema(columns.slice(0, count), total, api.slug),
      },
    });
  if (fits(withColumns(columns.length))) return withColumns(columns.length);
  // The largest prefix of columns that fits (fitting shrinks as columns grow, so bisect).
  let low = 0;
  let high = columns.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(withColumns(middle))) low = middle;
    else high = middle - 1;
  }
  return fitted(withColumns(low));
}

/**
 * A function's block: its declared input schema (bounded at build so it always fits) as query
 * parameters or a JSON body, and its declared output schema while that fits too.
 */
function functionDiscovery(api: ApiRecord, query: Record<string, string>): Discovery {
  const inputSchema = api.inputSchema ?? OPEN_FUNCTION_INPUT;
  const input = typedExample(query, api.inputSchema);
  const declare = (withOutput: boolean) => {
    const output = withOutput && api.responseSchema ? { output: { schema: api.responseSchema } } : {};
    return api.method === "POST"
      ? declareDiscoveryExtension({ input: {}, inputSchema, bodyType: "json", ...output })
      : declareDiscoveryExtension({ input, inputSchema, ...output });
  };
  const full = declare(true);
  if (fits(full)) return full;
  const withoutOutput = declare(false);
  return fits(withoutOutput) ? withoutOutput : fitted(declareDiscoveryExtension({ input: {}, inputSchema }));
}

/**
 * The example's query values as the declared types (x402 validates the example against the schema):
 * "100" becomes 100 for a number; a value that does not read as its type is left out.
 */
function typedExample(query: Record<string, string>, schema: Record<string, unknown> | null) {
  const properties = (schema?.properties ?? {}) as Record<string, { type?: unknown }>;
  const typed: Record<string, string | number | boolean> = {};
  for (const [name, text] of Object.entries(query)) {
    const type = properties[name]?.type;
    if (type === "number" || type === "integer") {
      const value = Number(text);
      if (text.trim() !== "" && Number.isFinite(value) && (type === "number" || Number.isInteger(value)))
        typed[name] = value;
    } else if (type === "boolean") {
      if (text === "true" || text === "false") typed[name] = text === "true";
    } else {
      typed[name] = text;
    }
  }
  return typed;
}

/** Byte size of a value's JSON in UTF-8, as it is sent (before base64). */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

function fits(discovery: Discovery): boolean {
  return jsonBytes(discovery) <= DISCOVERY_BUDGET_BYTES;
}

/** Last resort: a block that still does not fit drops its example input (a creator's long example). */
function fitted(discovery: Discovery): Discovery {
  return fits(discovery) ? discovery : declareDiscoveryExtension({ input: {} });
}

function exampleInput(api: ApiRecord): Record<string, string> {
  const query = api.example?.split("?")[1];
  if (!query) return {};
  const entries = [...new URLSearchParams(query)].slice(0, MAX_EXAMPLE_PARAMS);
  return Object.fromEntries(entries.map(([key, value]) => [shorten(key), shorten(value)]));
}

function exampleRows(
  columns: ReadonlyArray<{ name: string }>,
  sample: Record<string, unknown>,
  rows: number | undefined,
) {
  const row = Object.fromEntries(
    columns.map(({ name }) => {
      const value = sample[name] ?? null;
      return [name, typeof value === "string" ? shorten(value) : value];
    }),
  );
  return { data: [row], pagination: { page: 1, limit: 100, total: rows ?? 1 } };
}

function rowsSchema(columns: ReadonlyArray<{ name: string; type: string }>, total: number, slug: string) {
  const properties = Object.fromEntries(
    columns.map((column) => [column.name, { type: [JSON_TYPES[column.type] ?? "string", "null"] }]),
  );
  const note =
    columns.length < total
      ? { description: `${columns.length} of ${total} columns shown; GET /${slug}/schema lists all` }
      : {};
  return {
    type: "object",
    properties: {
      data: { type: "array", items: { type: "object", ...note, properties } },
      pagination: {
        type: "object",
        properties: { page: { type: "integer" }, limit: { type: "integer" }, total: { type: "integer" } },
      },
    },
  };
}

function shorten(text: string): string {
  return text.length <= MAX_EXAMPLE_CHARS ? text : `${text.slice(0, MAX_EXAMPLE_CHARS - 1)}…`;
}
