import { BuildError } from "../errors.ts";
import { DATA_LIMITS, exceedsUtf8Bytes } from "./limits.ts";

/** Where a cell is, in the creator's terms: `row 5, column 3 ("note")` for CSV, `row 5 field "note"` for JSON. */
export type CellWhere = () => string;

/** Refuses a text cell that is too large or holds a NUL character; `where` is only built on failure. */
export function checkCellText(file: string, text: string, where: CellWhere): void {
  const size = exceedsUtf8Bytes(text, DATA_LIMITS.maxCellBytes);
  if (size !== undefined) {
    throw new BuildError(
      file,
      `${where()}: the value is ${size} bytes, over the ${DATA_LIMITS.maxCellBytes}-byte cell limit`,
      "keep each value under 64 KiB (store large blobs elsewhere and put their URL in the cell)",
    );
  }
  if (text.includes("\0")) {
    throw new BuildError(
      file,
      `${where()}: the value contains a NUL character (\\0)`,
      "remove NUL characters; if the file is UTF-16 or binary, save it as UTF-8 text",
    );
  }
}

/** Refuses a table with more data rows than the limit (`rows` counts data rows only). */
export function checkRowCount(file: string, rows: number): void {
  if (rows > DATA_LIMITS.maxRows) {
    throw new BuildError(
      file,
      `more than ${DATA_LIMITS.maxRows} data rows`,
      "split the data into several APIs or aggregate it",
    );
  }
}

/** Refuses a table with more columns than the limit. */
export function checkColumnCount(file: string, columns: number): void {
  if (columns > DATA_LIMITS.maxColumns) {
    throw new BuildError(
      file,
      `${columns} columns, over the ${DATA_LIMITS.maxColumns}-column limit`,
      "drop unused columns or split the table",
    );
  }
}
