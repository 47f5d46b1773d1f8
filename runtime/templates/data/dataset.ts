/** The normalised dataset a data API serves: written at build time, read by the data worker. */

/** Column types inferred at upload; queries compare values by these. */
export type ColumnType = "number" | "boolean" | "date" | "string";

/** One stored cell: numbers and booleans as JSON values, dates as their original ISO string, empty as null. */
export type Cell = string | number | boolean | null;

export interface DatasetColumn {
  name: string;
  type: ColumnType;
}

/** Rows are arrays aligned with `columns` (smaller than objects, and keeps column order explicit). */
export interface NormalisedDataset {
  version: 1;
  columns: DatasetColumn[];
  rows: Cell[][];
}
