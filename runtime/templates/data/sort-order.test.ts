import { describe, expect, it } from "vitest";
import type { Cell, ColumnType } from "./dataset.ts";
import { sortedRows } from "./sort-order.ts";
import { loadTable } from "./table.ts";

function order(type: ColumnType, cells: Cell[], direction: "asc" | "desc"): number[] {
  const table = loadTable({ version: 1, columns: [{ name: "c", type }], rows: cells.map((cell) => [cell]) });
  return [...sortedRows(table, table.columns[0]!, direction)];
}

describe("sortedRows", () => {
  it("sorts numbers with ties in row order and nulls last both ways", () => {
    const cells = [3, null, 1, 3, 2, null, 1];
    expect(order("number", cells, "asc")).toEqual([2, 6, 4, 0, 3, 1, 5]);
    expect(order("number", cells, "desc")).toEqual([0, 3, 4, 2, 6, 1, 5]);
  });

  it("sorts strings by code unit, booleans false before true, dates by time", () => {
    expect(order("string", ["b", "B", null, "a", "b"], "asc")).toEqual([1, 3, 0, 4, 2]);
    expect(order("boolean", [true, null, false, true], "desc")).toEqual([0, 3, 2, 1]);
    expect(
      order("date", ["2024-01-01T01:00:00+02:00", "2024-01-01", null, "2023-12-31T23:30:00Z"], "asc"),
    ).toEqual([0, 3, 1, 2]);
  });

  it("caches one permutation per column and order", () => {
    const table = loadTable({ version: 1, columns: [{ name: "c", type: "number" }], rows: [[2], [1]] });
    const column = table.columns[0]!;
    expect(sortedRows(table, column, "desc")).toBe(sortedRows(table, column, "desc"));
    expect([...table.sortCache.keys()].sort()).toEqual(["c:asc", "c:desc"]);
  });
});
