import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from "@modelcontextprotocol/sdk/validation/types.js";
import { z } from "zod";

/**
 * The MCP SDK validates JSON Schemas with ajv by default, and ajv compiles validators with
 * `new Function`, which workerd forbids. zod (already the project's schema library) reads JSON
 * Schema without code generation (its JIT switches itself off where eval is refused).
 */
export class ZodJsonSchemaValidator implements jsonSchemaValidator {
  /** Keyed by the schema object: the catalog's records (and so their schemas) live while cached. */
  private readonly cache = new WeakMap<object, z.ZodType>();

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    let parser = this.cache.get(schema);
    if (!parser) {
      parser = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
      this.cache.set(schema, parser);
    }
    const compiled = parser;
    return (input: unknown) => {
      const result = compiled.safeParse(input);
      return result.success
        ? { valid: true, data: result.data as T, errorMessage: undefined }
        : { valid: false, data: undefined, errorMessage: z.prettifyError(result.error) };
    };
  }
}
