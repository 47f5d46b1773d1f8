import { describe, expect, it } from "vitest";
import type { NormalisedDataset } from "./dataset.ts";
import { BOOL_NULL, cellValue, loadTable } from "./table.ts";

const dataset: NormalisedDataset = {
  version: 1,
  columns: [
    { name: "n", type: "number" },
    { name: "d", type: "date" },
    { name: "b", type: "boolean" },
    { name: "s", type: "string" },
  ],
  rows: [
    [1.5, "2024-01-01T00:00:00+01:00", true, "Hello"],
    [null, null, null, null],
    [-0, "2024-01-02", false, ""],
  ],
};

describe("loadTable", () => {
  it("stores typed columns with null markers", () => {
    const table = loadTable(dataset);
    expect(table.rowCount).toBe(3);
    const [n, d, b] = table.columns;
    expect(n?.values).toEqual(new Float64Array([1.5, Number.NaN, -0]));
    expect(d?.values).toEqual(
      new Float64Array([Date.UTC(2023, 11, 31, 23), Number.NaN, Date.UTC(2024, 0, 2)]),
    );
    expect(b?.values).toEqual(new Uint8Array([1, BOOL_NULL, 0]));
    expect(table.byName.get("s")?.type).toBe("string");
  });

  it("gives back every cell exactly as stored, dates as their original string", () => {
    const table = loadTable(dataset);
    const rows = dataset.rows.map((_, r) => table.columns.map((column) => cellValue(column, r)));
    expect(rows).toEqual(dataset.rows);
  });
});
