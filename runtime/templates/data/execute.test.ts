import { describe, expect, it } from "vitest";
import type { NormalisedDataset } from "./dataset.ts";
import { executeQuery } from "./execute.ts";
import { parseQuery } from "./parse-query.ts";
import { loadTable } from "./table.ts";

const dataset: NormalisedDataset = {
  version: 1,
  columns: [
    { name: "id", type: "number" },
    { name: "price", type: "number" },
    { name: "active", type: "boolean" },
    { name: "since", type: "date" },
    { name: "name", type: "string" },
  ],
  rows: [
    [1, 10, true, "2024-01-01", "Apple"],
    [2, null, false, "2024-01-01T12:00:00+02:00", "banana"],
    [3, 5, null, null, null],
    [4, 10, true, "2023-06-30", "Cherry pie"],
    [5, 2.5, false, "2024-03-01T00:00:00Z", "apple tart"],
  ],
};
const table = loadTable(dataset);

function run(query: string) {
  return executeQuery(table, parseQuery(new URLSearchParams(query), dataset.columns));
}
function ids(query: string): unknown[] {
  return run(query).data.map((row) => row["id"]);
}

describe("executeQuery", () => {
  it("returns every row in order with stored values by default", () => {
    const result = run("");
    expect(result.pagination).toEqual({ page: 1, limit: 100, total: 5 });
    expect(result.data[1]).toEqual({
      id: 2,
      price: null,
      active: false,
      since: "2024-01-01T12:00:00+02:00",
      name: "banana",
    });
  });

  it("compares by column type", () => {
    expect(ids("filter_price__gt=5")).toEqual([1, 4]);
    expect(ids("filter_price=10")).toEqual([1, 4]);
    expect(ids("filter_price=10.0")).toEqual([1, 4]);
    expect(ids("filter_since__lt=2024-01-01T11:00:00Z")).toEqual([1, 2, 4]);
    expect(ids("filter_since=2024-01-01T00:00:00Z")).toEqual([1]);
    expect(ids("filter_name__lt=a")).toEqual([1, 4]); // code-unit order: capitals first
    expect(ids("filter_active=false")).toEqual([2, 5]);
  });

  it("matches contains case-insensitively and in against a list", () => {
    expect(ids("filter_name__contains=APPLE")).toEqual([1, 5]);
    expect(ids("filter_name__in=Apple,banana")).toEqual([1, 2]);
    expect(ids("filter_price__in=10,2.5")).toEqual([1, 4, 5]);
    expect(ids("filter_active__in=true")).toEqual([1, 4]);
  });

  it("lets ne match nulls, and nothing else match them", () => {
    expect(ids("filter_price__ne=10")).toEqual([2, 3, 5]);
    expect(ids("filter_active__ne=true")).toEqual([2, 3, 5]);
    expect(ids("filter_name__ne=Apple")).toEqual([2, 3, 4, 5]);
    expect(ids("filter_since__ne=2024-01-01")).toEqual([2, 3, 4, 5]);
    expect(ids("filter_price__lte=1000")).toEqual([1, 3, 4, 5]);
    expect(ids("filter_name__gte=%20")).toEqual([1, 2, 4, 5]);
    expect(ids("filter_price__in=5,10")).toEqual([1, 3, 4]);
  });

  it("ANDs filters, including repeated keys", () => {
    expect(ids("filter_price__gte=5&filter_active=true")).toEqual([1, 4]);
    expect(ids("filter_id__ne=1&filter_id__ne=4&filter_price__gte=5")).toEqual([3]);
  });

  it("sorts stably with nulls last in both orders", () => {
    expect(ids("sort=price")).toEqual([5, 3, 1, 4, 2]);
    expect(ids("sort=price&order=desc")).toEqual([1, 4, 3, 5, 2]);
    expect(ids("sort=active&order=desc")).toEqual([1, 4, 2, 5, 3]);
    expect(ids("sort=since&order=desc")).toEqual([5, 2, 1, 4, 3]);
  });

  it("pages with a total over all matches", () => {
    expect(run("sort=id&limit=2&page=2")).toEqual({
      data: [expect.objectContaining({ id: 3 }), expect.objectContaining({ id: 4 })],
      pagination: { page: 2, limit: 2, total: 5 },
    });
    expect(run("filter_price__gte=5&limit=1&page=3")).toMatchObject({
      data: [{ id: 4 }],
      pagination: { total: 3 },
    });
    expect(run("filter_price__gte=5&limit=1&page=4")).toEqual({
      data: [],
      pagination: { page: 4, limit: 1, total: 3 },
    });
    expect(run("page=9")).toEqual({ data: [], pagination: { page: 9, limit: 100, total: 5 } });
  });

  it("selects and orders output fields", () => {
    const data = run("fields=name,id&limit=1").data;
    expect(data).toEqual([{ name: "Apple", id: 1 }]);
    expect(Object.keys(data[0]!)).toEqual(["name", "id"]);
  });
});
