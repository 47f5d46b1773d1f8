import type { Filter } from "./parse-query.ts";
import { BOOL_NULL, type Column, lowerValues } from "./table.ts";

/** A row test closed over a column's typed array; values were parsed once, at query parse time. */
export type RowTest = (row: number) => boolean;

/**
 * Compiles one filter for its column. Null (NaN / BOOL_NULL / null) never matches
 * eq, gt, gte, lt, lte, contains or in; it does match ne.
 */
export function compileFilter(filter: Filter, column: Column): RowTest {
  const { op, values: targets } = filter;
  switch (column.type) {
    case "number":
    case "date": {
      // NaN compares false with everything, which gives the null rules for free (and true for ne).
      const values = column.values;
      const target = targets[0] as number;
      switch (op) {
        case "eq":
          return (row) => values[row] === target;
        case "ne":
          return (row) => values[row] !== target;
        case "gt":
          return (row) => values[row]! > target;
        case "gte":
          return (row) => values[row]! >= target;
        case "lt":
          return (row) => values[row]! < target;
        case "lte":
          return (row) => values[row]! <= target;
        case "in": {
          const set = new Set(targets as number[]);
          return (row) => set.has(values[row]!);
        }
      }
      break;
    }
    case "boolean": {
      const values = column.values;
      const target = targets[0] ? 1 : 0;
      if (op === "eq") return (row) => values[row] === target;
      if (op === "ne") return (row) => values[row] !== target;
      if (op === "in") {
        const set = new Set<number>((targets as boolean[]).map((value) => (value ? 1 : 0)));
        return (row) => values[row] !== BOOL_NULL && set.has(values[row]!);
      }
      break;
    }
    case "string": {
      const values = column.values;
      const target = targets[0] as string;
      switch (op) {
        case "eq":
          return (row) => values[row] === target;
        case "ne":
          return (row) => values[row] !== target;
        case "gt":
          return (row) => notNull(values[row]) && values[row]! > target;
        case "gte":
          return (row) => notNull(values[row]) && values[row]! >= target;
        case "lt":
          return (row) => notNull(values[row]) && values[row]! < target;
        case "lte":
          return (row) => notNull(values[row]) && values[row]! <= target;
        case "contains": {
          const lower = lowerValues(column);
          const needle = target.toLowerCase();
          return (row) => lower[row]?.includes(needle) === true;
        }
        case "in": {
          const set = new Set(targets as string[]);
          return (row) => set.has(values[row] as string);
        }
      }
    }
  }
  // parseQuery rejects these combinations; reaching here is a programming error, not a 400.
  throw new Error(`operator ${op} is not supported on ${column.type} field ${column.name}`);
}

function notNull(value: string | null | undefined): value is string {
  return value !== null && value !== undefined;
}
