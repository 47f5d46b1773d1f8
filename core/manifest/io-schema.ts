import { z } from "zod";

/**
 * A function API's declared input fits the 402's Bazaar block (3 KB with everything else), so
 * indexers always see it whole; the output schema only travels in /openapi.json.
 */
export const MAX_INPUT_SCHEMA_BYTES = 2_048;
export const MAX_OUTPUT_SCHEMA_BYTES = 8_192;
/** Query strings carry scalars only: a GET input's properties must be one of these. */
const QUERY_TYPES = new Set(["string", "number", "integer", "boolean"]);

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether zod (the project's schema library) can read it as JSON Schema: catches typos like `type: strng`. */
function jsonSchemaProblem(schema: unknown): string | undefined {
  try {
    z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * `input`: the JSON Schema of a function's arguments, an object schema (MCP tools and x402's
 * Bazaar need one). With `method: GET` they travel as query parameters, so each is a scalar.
 */
export const inputSchemaField = z.unknown().superRefine((value, ctx) => {
  if (!isObject(value) || value.type !== "object" || !isObject(value.properties)) {
    ctx.addIssue({
      code: "custom",
      message: "must be a JSON Schema of an object: type: object with properties (one per argument)",
    });
    return;
  }
  const size = jsonBytes(value);
  if (size > MAX_INPUT_SCHEMA_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `is ${size} bytes as JSON, over ${MAX_INPUT_SCHEMA_BYTES} (it travels in every 402)`,
    });
    return;
  }
  const problem = jsonSchemaProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `is not a valid JSON Schema: ${problem}` });
});

/** `output`: the JSON Schema of a function's successful response body (shown in /openapi.json). */
export const outputSchemaField = z.unknown().superRefine((value, ctx) => {
  if (!isObject(value)) {
    ctx.addIssue({ code: "custom", message: "must be a JSON Schema (a mapping such as type: object)" });
    return;
  }
  const size = jsonBytes(value);
  if (size > MAX_OUTPUT_SCHEMA_BYTES) {
    ctx.addIssue({ code: "custom", message: `is ${size} bytes as JSON, over ${MAX_OUTPUT_SCHEMA_BYTES}` });
    return;
  }
  const problem = jsonSchemaProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `is not a valid JSON Schema: ${problem}` });
});

/** The properties of a GET input that a query string cannot carry (objects, arrays, untyped). */
export function nonScalarProperties(input: unknown): string[] {
  if (!isObject(input) || !isObject(input.properties)) return [];
  return Object.entries(input.properties)
    .filter(([, property]) => !(isObject(property) && QUERY_TYPES.has(String(property.type))))
    .map(([name]) => name);
}
