import type { Cell, ColumnType } from "../../runtime/templates/data/dataset.ts";
import { isIsoDateText, isNumberText, parseBooleanText } from "../../runtime/templates/data/values.ts";
import type { RawCell } from "./raw-table.ts";

/** Infers a column's type from its non-empty cells; an all-empty column is a string column. */
export function inferColumnType(cells: Iterable<RawCell>): ColumnType {
  let number = true;
  let boolean = true;
  let date = true;
  let seen = false;
  for (const cell of cells) {
    if (cell === null) continue;
    seen = true;
    if (number && !(typeof cell === "number" || (typeof cell === "string" && isNumberText(cell)))) {
      number = false;
    }
    if (
      boolean &&
      !(typeof cell === "boolean" || (typeof cell === "string" && parseBooleanText(cell) !== undefined))
    ) {
      boolean = false;
    }
    if (date && !(typeof cell === "string" && isIsoDateText(cell))) date = false;
    if (!number && !boolean && !date) return "string";
  }
  if (!seen) return "string";
  // A column of "0"/"1" is numeric; none of the three syntaxes overlap, so the order is only a tie-break.
  if (number) return "number";
  if (boolean) return "boolean";
  if (date) return "date";
  return "string";
}

/** Converts a raw cell to its stored form for a column of `type` (the type was inferred from it). */
export function normaliseCell(cell: RawCell, type: ColumnType): Cell {
  if (cell === null) return null;
  switch (type) {
    case "number":
      return typeof cell === "number" ? cell : Number(cell);
    case "boolean":
      return typeof cell === "boolean" ? cell : parseBooleanText(String(cell)) === true;
    case "date":
    case "string":
      return String(cell);
  }
}
