import { describe, expect, it } from "vitest";
import { HttpError } from "../shared/http-error.ts";
import type { CatalogEntry } from "./catalog.ts";
import { filterCatalog, isEmptyQuery, parseCatalogQuery, strictCatalogQuery } from "./catalog-query.ts";

const entry = (
  slug: string,
  title: string,
  price: string,
  kind: CatalogEntry["kind"],
  tags: string[],
  description = "",
) => ({ slug, title, price, kind, tags, description }) as CatalogEntry;
const ENTRIES = [
  entry("world-cities", "World Cities", "$0.001", "data", ["geo", "reference"], "Large cities"),
  entry("chemical-elements", "Chemical Elements", "$0.0005", "data", ["science", "reference"], "Elements"),
  entry(
    "fx-convert",
    "Currency Converter",
    "$0.002",
    "function",
    ["finance"],
    "Converts currencies between cities",
  ),
];
const run = (query: string, calls: Record<string, number> = {}) => {
  const { query: parsed, problems } = parseCatalogQuery(new URLSearchParams(query));
  return { slugs: filterCatalog(ENTRIES, parsed, (slug) => calls[slug] ?? 0).map((e) => e.slug), problems };
};

describe("the marketplace's search and filters", () => {
  it("matches every word, title matches first", () => {
    expect(run("q=cities").slugs).toEqual(["world-cities", "fx-convert"]);
    expect(run("q=cities currencies").slugs).toEqual(["fx-convert"]);
    expect(run("q=nothing-like-this").slugs).toEqual([]);
  });

  it("filters by tag (any case), kind and max price in USD", () => {
    expect(run("tag=Reference&sort=title").slugs).toEqual(["chemical-elements", "world-cities"]);
    expect(run("kind=function").slugs).toEqual(["fx-convert"]);
    expect(run("maxPrice=0.001&sort=price-asc").slugs).toEqual(["chemical-elements", "world-cities"]);
    expect(run("maxPrice=$0.0005").slugs).toEqual(["chemical-elements"]);
  });

  it("sorts by price either way and by calls in the last week", () => {
    expect(run("sort=price-desc").slugs).toEqual(["fx-convert", "world-cities", "chemical-elements"]);
    expect(run("sort=popular", { "chemical-elements": 9, "fx-convert": 2 }).slugs).toEqual([
      "chemical-elements",
      "fx-convert",
      "world-cities",
    ]);
  });

  it("names each parameter it cannot understand and ignores it", () => {
    const { slugs, problems } = run("maxPrice=cheap&kind=robot&sort=random");
    expect(slugs).toHaveLength(3);
    expect(problems.map((problem) => problem.field)).toEqual(["kind", "maxPrice", "sort"]);
    expect(problems[1]!.message).toContain("USD amount such as 0.01");
  });
});

describe("the JSON catalog's reading of the same query", () => {
  const slugs = (query: string) =>
    filterCatalog(ENTRIES, strictCatalogQuery(new URLSearchParams(query))).map((e) => e.slug);

  it.each([
    ["", ["world-cities", "chemical-elements", "fx-convert"]],
    ["q=WORLD large", ["world-cities"]],
    ["q=world%20elements", []],
    ["tag=reference", ["world-cities", "chemical-elements"]],
    ["tag=Finance", ["fx-convert"]],
    ["maxPrice=$0.001", ["world-cities", "chemical-elements"]],
    ["tag=reference&maxPrice=$0.0009", ["chemical-elements"]],
    ["q=converter&kind=data", []],
  ])("?%s → %o (ties in catalog order)", (query, expected) => {
    expect(slugs(query)).toEqual(expected);
  });

  it.each([
    ["kind=python", "kind"],
    ["maxPrice=cheap", "maxPrice"],
    ["maxPrice=$0.0000001", "maxPrice"],
    [`q=${"x".repeat(201)}`, "q"],
    ["sort=random", "sort"],
  ])("?%s is a 400 naming %s", (query, parameter) => {
    let error: unknown;
    try {
      strictCatalogQuery(new URLSearchParams(query));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, code: "invalid_search", details: { parameter } });
    expect((error as Error).message).toMatch(new RegExp(`^${parameter} `));
  });

  it("tells an empty query apart", () => {
    expect(isEmptyQuery(strictCatalogQuery(new URLSearchParams("format=json")))).toBe(true);
    expect(isEmptyQuery(strictCatalogQuery(new URLSearchParams("tag=geo")))).toBe(false);
  });
});
