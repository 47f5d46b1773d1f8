import type { NormalisedDataset } from "../../runtime/templates/data/dataset.ts";
import { BuildError } from "../errors.ts";
import { checkColumnCount } from "./cell-checks.ts";
import { checkColumnNames } from "./column-names.ts";
import { inferColumnType, normaliseCell } from "./infer-types.ts";
import { DATA_LIMITS } from "./limits.ts";
import { csvPositionOf, firstInvalidUtf8Offset, linePositionOf } from "./locate-invalid-utf8.ts";
import { parseCsv } from "./parse-csv.ts";
import { parseJson } from "./parse-json.ts";
import type { RawTable } from "./raw-table.ts";

/** Default upload limit; the whole table must later fit, with room, in a 128 MB isolate. */
export const DEFAULT_MAX_BYTES = DATA_LIMITS.maxFileBytes;

export interface BuildDatasetOptions {
  maxBytes?: number;
}

/** Parses a creator's .csv or .json into a typed, normalised dataset; throws BuildError on bad uploads. */
export function buildDataset(
  fileName: string,
  content: string | Uint8Array,
  options: BuildDatasetOptions = {},
): NormalisedDataset {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = typeof content === "string" ? Buffer.byteLength(content, "utf8") : content.byteLength;
  if (size > maxBytes) {
    throw new BuildError(
      fileName,
      `the file is ${size} bytes, over the ${maxBytes}-byte limit`,
      "split the data or trim unused columns",
    );
  }
  const lower = fileName.toLowerCase();
  const kind = lower.endsWith(".csv") ? "csv" : lower.endsWith(".json") ? "json" : undefined;
  if (!kind) throw new BuildError(fileName, "unsupported file type", "upload a .csv or .json file");
  const text = decode(fileName, content, kind);
  if (text.charCodeAt(0) === 0xfeff) {
    throw new BuildError(
      fileName,
      "the file starts with a UTF-8 byte order mark (BOM)",
      'save it as UTF-8 without BOM (in Excel choose "CSV UTF-8" then strip the BOM, or use a text editor)',
    );
  }
  if (text.trim() === "")
    throw new BuildError(fileName, "the file is empty", "add a header row and data rows");
  const table: RawTable = kind === "csv" ? parseCsv(fileName, text) : parseJson(fileName, text);
  if (table.header.length === 0) {
    throw new BuildError(fileName, "the rows have no fields", "give the row objects at least one field");
  }
  checkColumnCount(fileName, table.header.length);
  checkColumnNames(fileName, table.header);
  if (table.records.length === 0) {
    // Served, it would be an API that charges for an always-empty answer.
    throw new BuildError(fileName, "the file has a header but no data rows", "add at least one data row");
  }
  const columns = table.header.map((name, index) => ({
    name,
    type: inferColumnType(table.records.map((record) => record[index] ?? null)),
  }));
  const rows = table.records.map((record) =>
    columns.map((column, index) => normaliseCell(record[index] ?? null, column.type)),
  );
  return { version: 1, columns, rows };
}

function decode(fileName: string, content: string | Uint8Array, kind: "csv" | "json"): string {
  if (typeof content === "string") return content;
  try {
    // ignoreBOM keeps a BOM in the text so it can be reported rather than silently dropped.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content);
  } catch {
    const offset = firstInvalidUtf8Offset(content);
    let where: string;
    if (kind === "csv") {
      const { row, column, name, line } = csvPositionOf(content, offset);
      const named = name === undefined ? "" : ` ("${name}")`;
      where = `row ${row}, column ${column}${named} (line ${line}, byte ${offset})`;
    } else {
      const { line, column } = linePositionOf(content, offset);
      where = `line ${line}, column ${column} (byte ${offset})`;
    }
    throw new BuildError(
      fileName,
      `the file is not valid UTF-8 text: ${where}`,
      kind === "csv"
        ? 'save it with UTF-8 encoding (in Excel choose "CSV UTF-8")'
        : "save it with UTF-8 encoding",
    );
  }
}
