import { describe, expect, it } from "vitest";
import type { DatasetColumn } from "./dataset.ts";
import { parseQuery } from "./parse-query.ts";
import { QueryError } from "./query-error.ts";

const columns: DatasetColumn[] = [
  { name: "price", type: "number" },
  { name: "active", type: "boolean" },
  { name: "since", type: "date" },
  { name: "name", type: "string" },
  { name: "tag_", type: "string" },
];

function parse(query: string) {
  return parseQuery(new URLSearchParams(query), columns);
}

function failure(query: string): QueryError {
  try {
    parse(query);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).status).toBe(400);
    return error as QueryError;
  }
  throw new Error(`expected ${query} to fail`);
}

describe("parseQuery", () => {
  it("applies defaults", () => {
    expect(parse("")).toEqual({
      filters: [],
      page: 1,
      limit: 100,
      fields: ["price", "active", "since", "name", "tag_"],
    });
  });

  it("parses every operator with typed values", () => {
    const query = parse(
      "filter_price__gt=1.5&filter_price__lte=10&filter_active=TRUE&filter_since__gte=2024-01-01" +
        "&filter_name__contains=Bo&filter_name__in=a,b&filter_price__ne=3&filter_price__lt=-1e2&filter_since__in=2024-01-01,2024-01-02T00:00:00Z",
    );
    expect(query.filters).toEqual([
      { field: "price", op: "gt", values: [1.5] },
      { field: "price", op: "lte", values: [10] },
      { field: "active", op: "eq", values: [true] },
      { field: "since", op: "gte", values: [Date.UTC(2024, 0, 1)] },
      { field: "name", op: "contains", values: ["Bo"] },
      { field: "name", op: "in", values: ["a", "b"] },
      { field: "price", op: "ne", values: [3] },
      { field: "price", op: "lt", values: [-100] },
      { field: "since", op: "in", values: [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)] },
    ]);
  });

  it("keeps repeated filter keys (they are ANDed)", () => {
    expect(parse("filter_name__ne=a&filter_name__ne=b").filters).toHaveLength(2);
  });

  it("splits the operator at the last __ so a field may end in _", () => {
    expect(parse("filter_tag_=x&filter_tag___contains=y").filters).toEqual([
      { field: "tag_", op: "eq", values: ["x"] },
      { field: "tag_", op: "contains", values: ["y"] },
    ]);
  });

  it("parses sort, order, page, limit and fields", () => {
    expect(parse("sort=price&order=desc&page=3&limit=1000&fields=name,price")).toEqual({
      filters: [],
      sort: { field: "price", order: "desc" },
      page: 3,
      limit: 1000,
      fields: ["name", "price"],
    });
    expect(parse("sort=name").sort).toEqual({ field: "name", order: "asc" });
  });

  it.each([
    ["filter_nope=1", "unknown_field", /unknown field "nope" in filter_nope; fields are: price, active/],
    ["filter_=1", "unknown_field", /"filter_" names no field/],
    ["filter_price__between=1", "unknown_operator", /unknown operator "between" in filter_price__between/],
    ["filter_price__=1", "unknown_operator", /unknown operator ""/],
    ["filter_price__eq=1", "unknown_operator", /unknown operator "eq"/],
    ["filter_price=abc", "invalid_value", /filter_price: "abc" is not a valid number for field "price"/],
    ["filter_price__gt=1,5", "invalid_value", /"1,5" is not a valid number/],
    ["filter_price__in=1,x", "invalid_value", /filter_price__in: "x" is not a valid number/],
    ["filter_price=Infinity", "invalid_value", /"Infinity"/],
    ["filter_price=", "invalid_value", /filter_price: empty value/],
    ["filter_active=yes", "invalid_value", /"yes" is not a valid boolean/],
    ["filter_since=2024-02-30", "invalid_value", /"2024-02-30" is not a valid ISO 8601 date .*"since"/],
    ["filter_name__in=a,,b", "invalid_value", /filter_name__in: empty value/],
    [
      "filter_active__gt=true",
      "unsupported_operator",
      /filter_active__gt: "gt" does not apply to boolean field "active"/,
    ],
    ["filter_active__lte=true", "unsupported_operator", /"lte"/],
    [
      "filter_price__contains=1",
      "unsupported_operator",
      /"contains" only applies to text fields; "price" is a number/,
    ],
    ["filter_since__contains=2024", "unsupported_operator", /"since" is a date/],
    ["sort=nope", "unknown_field", /unknown field "nope" in sort/],
    ["sort=", "unknown_field", /unknown field "" in sort/],
    ["sort=price&order=up", "invalid_order", /order "up" must be asc or desc/],
    ["order=DESC", "invalid_order", /"DESC"/],
    ["page=0", "invalid_page", /page "0"/],
    ["page=-1", "invalid_page", /page "-1"/],
    ["page=1.5", "invalid_page", /page "1.5"/],
    ["page=abc", "invalid_page", /page "abc"/],
    ["page=99999999999999999999", "invalid_page", /page/],
    ["limit=0", "invalid_limit", /limit "0" must be a whole number from 1 to 1000/],
    ["limit=1001", "invalid_limit", /limit "1001"/],
    ["limit=", "invalid_limit", /limit ""/],
    ["fields=", "invalid_fields", /fields is empty/],
    ["fields=name,nope", "unknown_field", /unknown field "nope" in fields/],
    ["fields=name,,price", "invalid_fields", /empty name/],
    ["fields=name,name", "invalid_fields", /"name" more than once/],
    ["sort=price&sort=name", "duplicate_parameter", /"sort" is given more than once/],
    ["q=hello", "unknown_parameter", /unknown query parameter "q"/],
    ["filter-price=1", "unknown_parameter", /"filter-price"/],
  ])("rejects %s", (query, code, message) => {
    const error = failure(query);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});
