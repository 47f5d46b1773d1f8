import type { Cell, DatasetColumn, NormalisedDataset } from "../../runtime/templates/data/dataset.ts";

/**
 * Bounds on what a data API's metadata (D1's catalog row, the KV cache, the 402's discovery block)
 * carries from creator data, however wide or long the table is: the full schema stays in the
 * dataset, served by the API's own `/schema`.
 */
export const SUMMARY_LIMITS = {
  /** Columns described in the catalog row. */
  columns: 100,
  /** Characters kept of each sample string (longer ones end with "…"). */
  sampleValueChars: 100,
} as const;

/** The catalog's view of a dataset: bounded whatever the creator uploads. */
export interface DataSummary {
  /** The first `SUMMARY_LIMITS.columns` columns. */
  columns: DatasetColumn[];
  /** How many columns the dataset really has. */
  columnCount: number;
  rows: number;
  /** The first row over the listed columns, long strings shortened: the example in discovery metadata. */
  sample: Record<string, Cell> | null;
}

/** Summarises a dataset for the catalog and discovery metadata. */
export function summariseDataset(dataset: NormalisedDataset): DataSummary {
  const columns = dataset.columns.slice(0, SUMMARY_LIMITS.columns);
  const first = dataset.rows[0];
  return {
    columns,
    columnCount: dataset.columns.length,
    rows: dataset.rows.length,
    sample: first
      ? Object.fromEntries(columns.map((column, index) => [column.name, shorten(first[index] ?? null)]))
      : null,
  };
}

/** The catalog row's `output_schema_json` for a built data object (the sample is already bounded at build). */
export function catalogSummary(data: {
  columns: DatasetColumn[] | Array<{ name: string; type: string }>;
  rows: number;
  sample: Record<string, unknown> | null;
}): DataSummary {
  return {
    columns: data.columns.slice(0, SUMMARY_LIMITS.columns) as DatasetColumn[],
    columnCount: data.columns.length,
    rows: data.rows,
    sample: data.sample as Record<string, Cell> | null,
  };
}

function shorten(cell: Cell): Cell {
  if (typeof cell !== "string" || cell.length <= SUMMARY_LIMITS.sampleValueChars) return cell;
  return `${cell.slice(0, SUMMARY_LIMITS.sampleValueChars - 1)}…`;
}
