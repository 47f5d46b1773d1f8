import { BuildError } from "../errors.ts";
import { checkCellText, checkColumnCount, checkRowCount } from "./cell-checks.ts";
import type { RawCell, RawTable } from "./raw-table.ts";

/**
 * Reads a top-level JSON array of flat objects; columns are the union of keys in first-seen order.
 * Missing keys and empty strings become null, like empty CSV cells.
 */
export function parseJson(file: string, text: string): RawTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BuildError(
      file,
      `not valid JSON (${(error as Error).message})`,
      "check the file with a JSON linter",
    );
  }
  if (!Array.isArray(parsed)) {
    throw new BuildError(
      file,
      "the top level is not an array",
      'write the rows as a top-level array of objects: [{"id": 1}, ...]',
    );
  }
  if (parsed.length === 0) throw new BuildError(file, "the array is empty", "add at least one row object");
  checkRowCount(file, parsed.length);
  const header: string[] = [];
  const indexOf = new Map<string, number>();
  parsed.forEach((row: unknown, index) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new BuildError(
        file,
        `row ${index + 1} is ${describe(row)}, not an object`,
        "make every array element an object of field values",
      );
    }
    for (const [key, value] of Object.entries(row)) {
      if (value !== null && typeof value === "object") {
        throw new BuildError(
          file,
          `row ${index + 1} field "${key}" is a nested ${Array.isArray(value) ? "array" : "object"}`,
          "flatten it into separate fields (or store it as a string)",
        );
      }
      if (typeof value === "string") checkCellText(file, value, () => `row ${index + 1} field "${key}"`);
      if (!indexOf.has(key)) {
        indexOf.set(key, header.length);
        header.push(key);
        checkColumnCount(file, header.length);
      }
    }
  });
  const records = (parsed as Record<string, unknown>[]).map((row) => {
    const record: RawCell[] = new Array(header.length).fill(null);
    for (const [key, value] of Object.entries(row)) {
      record[indexOf.get(key)!] = value === "" ? null : (value as RawCell);
    }
    return record;
  });
  return { header, records, firstRecordRow: 1 };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
