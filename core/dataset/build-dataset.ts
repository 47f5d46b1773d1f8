import type { NormalisedDataset } from "../../runtime/templates/data/dataset.ts";
import { BuildError } from "../errors.ts";
import { checkColumnNames } from "./column-names.ts";
import { inferColumnType, normaliseCell } from "./infer-types.ts";
import { parseCsv } from "./parse-csv.ts";
import { parseJson } from "./parse-json.ts";
import type { RawTable } from "./raw-table.ts";

/** Default upload limit; the whole table must later fit, with room, in a 128 MB isolate. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

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
  const text = decode(fileName, content);
  if (text.charCodeAt(0) === 0xfeff) {
    throw new BuildError(
      fileName,
      "the file starts with a UTF-8 byte order mark (BOM)",
      'save it as UTF-8 without BOM (in Excel choose "CSV UTF-8" then strip the BOM, or use a text editor)',
    );
  }
  if (text.trim() === "")
    throw new BuildError(fileName, "the file is empty", "add a header row and data rows");
  const lower = fileName.toLowerCase();
  let table: RawTable;
  if (lower.endsWith(".csv")) table = parseCsv(fileName, text);
  else if (lower.endsWith(".json")) table = parseJson(fileName, text);
  else throw new BuildError(fileName, "unsupported file type", "upload a .csv or .json file");
  checkColumnNames(fileName, table.header);
  const columns = table.header.map((name, index) => ({
    name,
    type: inferColumnType(table.records.map((record) => record[index] ?? null)),
  }));
  const rows = table.records.map((record) =>
    columns.map((column, index) => normaliseCell(record[index] ?? null, column.type)),
  );
  return { version: 1, columns, rows };
}

function decode(fileName: string, content: string | Uint8Array): string {
  if (typeof content === "string") return content;
  try {
    // ignoreBOM keeps a BOM in the text so it can be reported rather than silently dropped.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content);
  } catch {
    throw new BuildError(fileName, "the file is not valid UTF-8 text", "save it with UTF-8 encoding");
  }
}
