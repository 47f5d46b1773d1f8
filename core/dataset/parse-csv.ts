import Papa from "papaparse";
import { BuildError } from "../errors.ts";
import { checkCellText, checkColumnCount, checkRowCount } from "./cell-checks.ts";
import { checkColumnNames } from "./column-names.ts";
import { DATA_LIMITS } from "./limits.ts";
import type { RawCell, RawTable } from "./raw-table.ts";

/**
 * Reads CSV text (header row first) into raw string cells; throws BuildError naming row and column.
 * Rows are records counted 1-based with the header as row 1, so a quoted newline does not shift them.
 * Line endings may be LF, CRLF or CR, even mixed in one file: each is a row break, and a line break
 * inside a quoted value is stored as LF. Parsing stops at the first problem, so a hostile file
 * (millions of rows or fields) costs no more than its first bad row.
 */
export function parseCsv(file: string, raw: string): RawTable {
  if (raw.trim() === "") throw new BuildError(file, "the file is empty", "add a header row and data rows");
  const text = raw.includes("\r") ? raw.replace(/\r\n?/g, "\n") : raw;
  checkHeaderWidth(file, text);
  let header: string[] | undefined;
  const records: RawCell[][] = [];
  // Blank lines are held back: trailing ones are not data; inside a one-column file they are empty cells.
  let blankRows: number[] = [];
  let row = 0;
  let problem: BuildError | undefined;
  const fail = (error: BuildError, parser: Papa.Parser) => {
    problem = error;
    parser.abort();
  };
  // A fixed delimiter: auto-detection guesses wrong on one-column files and on text full of ";".
  Papa.parse<string[]>(text, {
    delimiter: ",",
    newline: "\n",
    header: false,
    skipEmptyLines: false,
    step: (result, parser) => {
      row++;
      const fields = result.data;
      const error = result.errors[0];
      if (error) return fail(syntaxError(file, text, row, error), parser);
      if (!header) {
        if (isBlank(fields))
          return fail(
            new BuildError(file, "row 1: no header row", "put the column names on the first line"),
            parser,
          );
        header = fields;
        // Checked before any row: a UTF-16 or binary file is then reported by its header.
        try {
          checkColumnNames(file, header);
        } catch (error) {
          return fail(error as BuildError, parser);
        }
        return;
      }
      if (isBlank(fields)) {
        blankRows.push(row);
        return;
      }
      if (blankRows.length > 0) {
        if (header.length > 1)
          return fail(
            new BuildError(file, `row ${blankRows[0]} is an empty line`, "remove blank lines between rows"),
            parser,
          );
        records.push(...blankRows.map((): RawCell[] => [null]));
        blankRows = [];
      }
      const problemInRow = checkRow(file, header, fields, row, records.length + 1);
      if (problemInRow) return fail(problemInRow, parser);
      records.push(fields.map((cell) => (cell === "" ? null : cell)));
    },
  });
  if (problem) throw problem;
  if (!header) throw new BuildError(file, "row 1: no header row", "put the column names on the first line");
  return { header, records, firstRecordRow: 2 };
}

function checkRow(
  file: string,
  header: readonly string[],
  fields: readonly string[],
  row: number,
  dataRows: number,
): BuildError | undefined {
  try {
    checkRowCount(file, dataRows);
  } catch (error) {
    return error as BuildError;
  }
  if (fields.length !== header.length) {
    const extra = fields.length > header.length;
    const column = extra ? header.length + 1 : fields.length;
    const name = extra ? "" : ` ("${header[column - 1]}")`;
    return new BuildError(
      file,
      `row ${row} has ${fields.length} fields but the header has ${header.length}; ` +
        `${extra ? "unexpected field at" : "row ends after"} column ${column}${name}`,
      "give every row exactly one value per header column (quote values that contain commas)",
    );
  }
  for (let index = 0; index < fields.length; index++) {
    try {
      checkCellText(file, fields[index]!, () => `row ${row}, column ${index + 1} ("${header[index]}")`);
    } catch (error) {
      return error as BuildError;
    }
  }
  return undefined;
}

/** Counts the first line's commas before parsing, so a 50 MB header is refused without being split. */
function checkHeaderWidth(file: string, text: string): void {
  let commas = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) break;
    // Names cannot contain commas, so even a quoted header is at least this wide.
    if (code === 44 && ++commas >= DATA_LIMITS.maxColumns) {
      checkColumnCount(file, commas + 1);
    }
  }
}

function syntaxError(file: string, text: string, row: number, error: Papa.ParseError): BuildError {
  if (error.type === "Quotes") {
    return new BuildError(
      file,
      `row ${row} (line ${lineOf(text, error.index ?? 0)}): ${error.message.toLowerCase()}`,
      'close every quoted field with a matching " and write a quote inside a quoted field as ""',
    );
  }
  return new BuildError(file, `row ${row}: ${error.message}`, "save it as plain CSV");
}

function isBlank(row: readonly string[]): boolean {
  return row.length === 1 && row[0] === "";
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
