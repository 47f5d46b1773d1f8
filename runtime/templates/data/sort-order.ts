import { BOOL_NULL, type Column, type Table } from "./table.ts";

export type SortOrder = "asc" | "desc";

/**
 * Row indices ordered by `column`, cached per table (once per isolate): stable (ties by row index),
 * nulls last in both orders. A sorted query is then one pass over this permutation.
 */
export function sortedRows(table: Table, column: Column, order: SortOrder): Uint32Array {
  const key = `${column.name}:${order}`;
  const cached = table.sortCache.get(key);
  if (cached) return cached;
  const rows =
    order === "asc"
      ? ascending(table.rowCount, column)
      : descendingFrom(sortedRows(table, column, "asc"), column);
  table.sortCache.set(key, rows);
  return rows;
}

function ascending(rowCount: number, column: Column): Uint32Array {
  const rows = new Uint32Array(rowCount);
  for (let i = 0; i < rowCount; i++) rows[i] = i;
  const compare = comparator(column);
  // The comparator is total (ties broken by row index), so the sort need not be stable itself.
  rows.sort((a, b) => compare(a, b) || a - b);
  return rows;
}

/** Reverses the order of equal-key groups but keeps rows inside a group, and nulls, in ascending place. */
function descendingFrom(asc: Uint32Array, column: Column): Uint32Array {
  const isNull = nullTest(column);
  const compare = comparator(column);
  let nonNull = asc.length;
  while (nonNull > 0 && isNull(asc[nonNull - 1]!)) nonNull--;
  const out = new Uint32Array(asc.length);
  let written = 0;
  let end = nonNull;
  while (end > 0) {
    let start = end - 1;
    while (start > 0 && compare(asc[start - 1]!, asc[end - 1]!) === 0) start--;
    for (let i = start; i < end; i++) out[written++] = asc[i]!;
    end = start;
  }
  out.set(asc.subarray(nonNull), written);
  return out;
}

/** Compares two rows by value only: 0 for equal values, nulls after everything. */
function comparator(column: Column): (a: number, b: number) => number {
  switch (column.type) {
    case "number":
    case "date": {
      const values = column.values;
      return (a, b) => {
        const x = values[a]!;
        const y = values[b]!;
        // NaN is null: after every value, equal to itself.
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return x < y ? -1 : x > y ? 1 : 0;
      };
    }
    case "boolean": {
      // 0 false < 1 true < 2 null: the byte order is already the wanted order.
      const values = column.values;
      return (a, b) => values[a]! - values[b]!;
    }
    case "string": {
      const values = column.values;
      return (a, b) => {
        const x = values[a] ?? null;
        const y = values[b] ?? null;
        if (x === null) return y === null ? 0 : 1;
        if (y === null) return -1;
        return x < y ? -1 : x > y ? 1 : 0;
      };
    }
  }
}

function nullTest(column: Column): (row: number) => boolean {
  switch (column.type) {
    case "number":
    case "date": {
      const values = column.values;
      return (row) => Number.isNaN(values[row]!);
    }
    case "boolean": {
      const values = column.values;
      return (row) => values[row] === BOOL_NULL;
    }
    case "string": {
      const values = column.values;
      return (row) => values[row] === null;
    }
  }
}
