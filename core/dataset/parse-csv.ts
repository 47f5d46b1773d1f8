import Papa from "papaparse";
import { BuildError } from "../errors.ts";
import type { RawTable } from "./raw-table.ts";

/**
 * Reads CSV text (header row first) into raw string cells; throws BuildError naming row and column.
 * Rows are records counted 1-based with the header as row 1, so a quoted newline does not shift them.
 */
export function parseCsv(file: string, text: string): RawTable {
  if (text.trim() === "") throw new BuildError(file, "the file is empty", "add a header row and data rows");
  // A fixed delimiter: auto-detection guesses wrong on one-column files and on text full of ";".
  const result = Papa.parse<string[]>(text, { delimiter: ",", header: false, skipEmptyLines: false });
  const quoteError = result.errors.find((error) => error.type === "Quotes");
  if (quoteError) {
    const line = lineOf(text, quoteError.index ?? 0);
    throw new BuildError(
      file,
      `row ${(quoteError.row ?? 0) + 1} (line ${line}): ${quoteError.message.toLowerCase()}`,
      'close every quoted field with a matching " and write a quote inside a quoted field as ""',
    );
  }
  const firstError = result.errors[0];
  if (firstError) {
    throw new BuildError(
      file,
      `row ${(firstError.row ?? 0) + 1}: ${firstError.message}`,
      "save it as plain CSV",
    );
  }
  const rows = result.data;
  // Trailing newlines leave one-empty-field rows at the end; they are not data.
  while (rows.length > 0 && isBlank(rows[rows.length - 1]!)) rows.pop();
  const header = rows[0];
  if (!header || isBlank(header)) {
    throw new BuildError(file, "row 1: no header row", "put the column names on the first line");
  }
  const records = rows.slice(1);
  records.forEach((record, index) => {
    if (record.length === header.length) return;
    const row = index + 2;
    if (isBlank(record)) {
      throw new BuildError(file, `row ${row} is an empty line`, "remove blank lines between rows");
    }
    const extra = record.length > header.length;
    const column = extra ? header.length + 1 : record.length;
    const name = extra ? "" : ` ("${header[column - 1]}")`;
    throw new BuildError(
      file,
      `row ${row} has ${record.length} fields but the header has ${header.length}; ` +
        `${extra ? "unexpected field at" : "row ends after"} column ${column}${name}`,
      "give every row exactly one value per header column (quote values that contain commas)",
    );
  });
  return {
    header,
    records: records.map((record) => record.map((cell) => (cell === "" ? null : cell))),
  };
}

function isBlank(row: readonly string[]): boolean {
  return row.length === 1 && row[0] === "";
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
