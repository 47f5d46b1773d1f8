import { describe, expect, it } from "vitest";
import type { Cell, ColumnType, DatasetColumn, NormalisedDataset } from "./dataset.ts";
import { executeQuery } from "./execute.ts";
import { parseQuery } from "./parse-query.ts";
import { loadTable } from "./table.ts";

// Random tables and queries, checked against a deliberately naive engine written from the spec:
// row objects, Array.prototype.filter, a stable Array.prototype.sort, Date for dates.

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOLS: Record<ColumnType, Cell[]> = {
  number: [-5, -1, 0, 0.5, 1, 1, 2, 3, 3, 10, 1000, -2.25],
  boolean: [true, false],
  // Two spellings of the same instant, offsets, and date-only forms: ties by time, not by text.
  date: [
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "2024-01-01T02:00:00+02:00",
    "2023-12-31T23:59:59.500Z",
    "2024-02-29",
    "2024-03-10T08:30:00-05:00",
    "1999-12-31",
  ],
  string: ["apple", "Apple", "APPLE pie", "banana", "b", "cherry", "éclair", "Zed", "a,b", "日本"],
};
const OPS: Record<ColumnType, string[]> = {
  number: ["eq", "gt", "gte", "lt", "lte", "ne", "in"],
  boolean: ["eq", "ne", "in"],
  date: ["eq", "gt", "gte", "lt", "lte", "ne", "in"],
  string: ["eq", "gt", "gte", "lt", "lte", "ne", "in", "contains"],
};
const TYPES: ColumnType[] = ["number", "boolean", "date", "string"];

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function randomDataset(random: Random): NormalisedDataset {
  const columns: DatasetColumn[] = [];
  for (const type of TYPES) {
    const copies = 1 + Math.floor(random() * 2);
    for (let i = 0; i < copies; i++) columns.push({ name: `${type}_${i}`, type });
  }
  columns.sort(() => random() - 0.5);
  const rowCount = random() < 0.1 ? 1000 + Math.floor(random() * 1500) : Math.floor(random() * 150);
  const rows: Cell[][] = [];
  for (let r = 0; r < rowCount; r++) {
    rows.push(columns.map((column) => (random() < 0.15 ? null : pick(random, POOLS[column.type]))));
  }
  return { version: 1, columns, rows };
}

interface Spec {
  filters: { field: string; type: ColumnType; op: string; texts: string[] }[];
  sort?: string;
  order?: "asc" | "desc";
  page?: number;
  limit?: number;
  fields?: string[];
}

function valueText(random: Random, type: ColumnType): string {
  const value = pick(random, POOLS[type]);
  if (type === "number" && random() < 0.2) return String(Math.round((random() * 20 - 10) * 4) / 4);
  if (type === "boolean" && random() < 0.3) return String(value).toUpperCase();
  return String(value);
}

function randomSpec(random: Random, columns: DatasetColumn[], rowCount: number): Spec {
  const spec: Spec = { filters: [] };
  const filterCount = Math.floor(random() * 4);
  for (let i = 0; i < filterCount; i++) {
    const column = pick(random, columns);
    const op = pick(random, OPS[column.type]);
    let texts: string[];
    if (op === "in") {
      texts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => valueText(random, column.type));
      // "a,b" cannot be listed in `in` (the comma splits it); the engine then looks for "a" and "b".
      texts = texts.flatMap((text) => text.split(","));
    } else if (op === "contains") {
      const source = String(pick(random, POOLS.string));
      const start = Math.floor(random() * source.length);
      const piece = source.slice(start, start + 1 + Math.floor(random() * 3));
      texts = [random() < 0.5 ? piece.toUpperCase() : piece];
    } else {
      texts = [valueText(random, column.type)];
    }
    spec.filters.push({ field: column.name, type: column.type, op, texts });
  }
  if (random() < 0.6) spec.sort = pick(random, columns).name;
  if (random() < 0.5) spec.order = random() < 0.5 ? "asc" : "desc";
  if (random() < 0.7) spec.limit = pick(random, [1, 2, 3, 7, 50, 100, 1000]);
  if (random() < 0.6) {
    const limit = spec.limit ?? 100;
    const lastPage = Math.max(1, Math.ceil(rowCount / limit));
    spec.page = pick(random, [1, 2, lastPage, lastPage + 1, lastPage + 5]);
  }
  if (random() < 0.3) {
    spec.fields = columns.map((c) => c.name).filter(() => random() < 0.5);
    spec.fields.sort(() => random() - 0.5);
    if (spec.fields.length === 0) spec.fields = [columns[0]!.name];
  }
  return spec;
}

function toParams(spec: Spec): URLSearchParams {
  const params = new URLSearchParams();
  for (const filter of spec.filters) {
    const key = filter.op === "eq" ? `filter_${filter.field}` : `filter_${filter.field}__${filter.op}`;
    params.append(key, filter.texts.join(","));
  }
  if (spec.sort !== undefined) params.set("sort", spec.sort);
  if (spec.order !== undefined) params.set("order", spec.order);
  if (spec.page !== undefined) params.set("page", String(spec.page));
  if (spec.limit !== undefined) params.set("limit", String(spec.limit));
  if (spec.fields !== undefined) params.set("fields", spec.fields.join(","));
  return params;
}

// ---- the naive engine ----

type Comparable = number | string | boolean;

function comparable(value: Cell, type: ColumnType): Comparable | null {
  if (value === null) return null;
  if (type === "date") return new Date(value as string).getTime();
  return value;
}

function fromText(text: string, type: ColumnType): Comparable {
  if (type === "number") return Number(text);
  if (type === "boolean") return text.toLowerCase() === "true";
  if (type === "date") return new Date(text).getTime();
  return text;
}

function naiveMatches(cell: Comparable | null, op: string, targets: Comparable[]): boolean {
  if (cell === null) return op === "ne";
  const target = targets[0]!;
  switch (op) {
    case "eq":
      return cell === target;
    case "ne":
      return cell !== target;
    case "gt":
      return cell > target;
    case "gte":
      return cell >= target;
    case "lt":
      return cell < target;
    case "lte":
      return cell <= target;
    case "contains":
      return String(cell).toLowerCase().includes(String(target).toLowerCase());
    case "in":
      return targets.includes(cell);
  }
  throw new Error(op);
}

function naive(dataset: NormalisedDataset, spec: Spec) {
  const typeOf = new Map(dataset.columns.map((c) => [c.name, c.type]));
  const objects = dataset.rows.map((row) =>
    Object.fromEntries(dataset.columns.map((c, i) => [c.name, row[i]!])),
  );
  let rows = objects.filter((row) =>
    spec.filters.every((filter) =>
      naiveMatches(
        comparable(row[filter.field]!, filter.type),
        filter.op,
        filter.texts.map((text) => fromText(text, filter.type)),
      ),
    ),
  );
  const sort = spec.sort;
  if (sort !== undefined) {
    const type = typeOf.get(sort)!;
    const sign = spec.order === "desc" ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const x = comparable(a[sort]!, type);
      const y = comparable(b[sort]!, type);
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
      return x < y ? -sign : x > y ? sign : 0;
    });
  }
  const page = spec.page ?? 1;
  const limit = spec.limit ?? 100;
  const fields = spec.fields ?? dataset.columns.map((c) => c.name);
  const data = rows
    .slice((page - 1) * limit, page * limit)
    .map((row) => Object.fromEntries(fields.map((field) => [field, row[field]])));
  return { data, pagination: { page, limit, total: rows.length } };
}

describe("executeQuery against a naive oracle", () => {
  it("agrees on random tables and queries", () => {
    const random = prng(402);
    let queries = 0;
    let nonEmpty = 0;
    const opsSeen = new Set<string>();
    for (let t = 0; t < 60; t++) {
      const dataset = randomDataset(random);
      const table = loadTable(dataset);
      for (let q = 0; q < 60; q++) {
        const spec = randomSpec(random, dataset.columns, dataset.rows.length);
        const params = toParams(spec);
        const actual = executeQuery(table, parseQuery(params, dataset.columns));
        const expected = naive(dataset, spec);
        // Compare serialised output so key order (the `fields` order) is checked as well.
        expect(JSON.stringify(actual), `${params}`).toBe(JSON.stringify(expected));
        queries++;
        if (actual.data.length > 0) nonEmpty++;
        for (const filter of spec.filters) opsSeen.add(`${filter.type}:${filter.op}`);
      }
    }
    // Guard against a generator that only ever produces empty or trivial results.
    expect(queries).toBe(3600);
    expect(nonEmpty).toBeGreaterThan(1500);
    expect(opsSeen.size).toBe(25);
  });
});
