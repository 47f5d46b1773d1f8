import type { Cell, NormalisedDataset } from "./dataset.ts";
import { parseIsoDate } from "./values.ts";

/** Booleans are stored one byte per row: 0 false, 1 true, BOOL_NULL empty. */
export const BOOL_NULL = 2;

export interface NumberColumn {
  name: string;
  type: "number";
  /** NaN marks an empty cell. */
  values: Float64Array;
}

export interface DateColumn {
  name: string;
  type: "date";
  /** Epoch ms for comparisons; NaN marks an empty cell. */
  values: Float64Array;
  /** The original ISO strings, returned to callers unchanged. */
  text: (string | null)[];
}

export interface BooleanColumn {
  name: string;
  type: "boolean";
  values: Uint8Array;
}

export interface StringColumn {
  name: string;
  type: "string";
  values: (string | null)[];
  /** Lower-cased values for `contains`, built on first use. */
  lower?: (string | null)[];
}

export type Column = NumberColumn | DateColumn | BooleanColumn | StringColumn;

/** A columnar, typed view of a dataset, plus per-isolate caches built on demand. */
export interface Table {
  rowCount: number;
  columns: Column[];
  byName: Map<string, Column>;
  /** Sorted row permutations keyed by `${column}:${order}` (see sort-order.ts). */
  sortCache: Map<string, Uint32Array>;
}

/** Turns row arrays into typed columns; rows are not kept, so the parsed dataset can be collected. */
export function loadTable(dataset: NormalisedDataset): Table {
  const rowCount = dataset.rows.length;
  const columns = dataset.columns.map((_, index) => loadColumn(dataset, index));
  return { rowCount, columns, byName: new Map(columns.map((c) => [c.name, c])), sortCache: new Map() };
}

function loadColumn(dataset: NormalisedDataset, index: number): Column {
  const rowCount = dataset.rows.length;
  const { name, type } = dataset.columns[index]!;
  switch (type) {
    case "number": {
      const values = new Float64Array(rowCount);
      for (let r = 0; r < rowCount; r++) {
        const cell = cellAt(dataset, r, index);
        values[r] = typeof cell === "number" ? cell : Number.NaN;
      }
      return { name, type, values };
    }
    case "date": {
      const values = new Float64Array(rowCount);
      const text: (string | null)[] = new Array(rowCount);
      for (let r = 0; r < rowCount; r++) {
        const cell = cellAt(dataset, r, index);
        const iso = typeof cell === "string" ? cell : null;
        text[r] = iso;
        values[r] = iso === null ? Number.NaN : parseIsoDate(iso);
      }
      return { name, type, values, text };
    }
    case "boolean": {
      const values = new Uint8Array(rowCount);
      for (let r = 0; r < rowCount; r++) {
        const cell = cellAt(dataset, r, index);
        values[r] = cell === true ? 1 : cell === false ? 0 : BOOL_NULL;
      }
      return { name, type, values };
    }
    case "string": {
      const values: (string | null)[] = new Array(rowCount);
      for (let r = 0; r < rowCount; r++) {
        const cell = cellAt(dataset, r, index);
        values[r] = cell === null || cell === undefined ? null : String(cell);
      }
      return { name, type, values };
    }
  }
}

/** The stored value of one cell, as in the dataset (dates as their original string). */
export function cellValue(column: Column, row: number): Cell {
  switch (column.type) {
    case "number": {
      const value = column.values[row]!;
      return Number.isNaN(value) ? null : value;
    }
    case "date":
      return column.text[row] ?? null;
    case "boolean": {
      const value = column.values[row]!;
      return value === BOOL_NULL ? null : value === 1;
    }
    case "string":
      return column.values[row] ?? null;
  }
}

/** Lower-cased string values, computed once per column per isolate. */
export function lowerValues(column: StringColumn): (string | null)[] {
  if (!column.lower)
    column.lower = column.values.map((value) => (value === null ? null : value.toLowerCase()));
  return column.lower;
}

function cellAt(dataset: NormalisedDataset, row: number, column: number): Cell | undefined {
  return dataset.rows[row]?.[column];
}
