import { describe, expect, it } from "vitest";
import { HttpError } from "../../shared/http-error.ts";
import type { CatalogEntry } from "../catalog.ts";
import { isEmptySearch, parseCatalogSearch, searchCatalog } from "./catalog-search.ts";

const entry = (slug: string, overrides: Partial<CatalogEntry>): CatalogEntry => ({
  slug,
  title: slug,
  description: "",
  kind: "data",
  price: "$0.001",
  tags: [],
  url: `https://m.example/${slug}`,
  exampleRequest: `GET https://m.example/${slug}`,
  split: { payTo: "0x0", creator: "0x0", platformFeeBps: 0 },
  ...overrides,
});

const entries = [
  entry("world-cities", { title: "World Cities", description: "Large cities", tags: ["geo", "reference"] }),
  entry("chemical-elements", {
    title: "Chemical Elements",
    price: "$0.0005",
    tags: ["science", "reference"],
  }),
  entry("fx-convert", { title: "Currency Converter", kind: "function", price: "$0.002", tags: ["finance"] }),
];
const slugs = (query: string) =>
  searchCatalog(entries, parseCatalogSearch(new URLSearchParams(query))).map((e) => e.slug);

describe("catalog search", () => {
  it.each([
    ["", ["world-cities", "chemical-elements", "fx-convert"]],
    ["q=cities", ["world-cities"]],
    ["q=WORLD large", ["world-cities"]],
    ["q=world%20elements", []],
    ["tag=reference", ["world-cities", "chemical-elements"]],
    ["tag=Finance", ["fx-convert"]],
    ["kind=function", ["fx-convert"]],
    ["maxPrice=$0.001", ["world-cities", "chemical-elements"]],
    ["maxPrice=0.0005", ["chemical-elements"]],
    ["tag=reference&maxPrice=$0.0009", ["chemical-elements"]],
    ["q=converter&kind=data", []],
  ])("?%s → %o", (query, expected) => {
    expect(slugs(query)).toEqual(expected);
  });

  it.each([
    ["kind=python", "kind"],
    ["maxPrice=cheap", "maxPrice"],
    ["maxPrice=$0.0000001", "maxPrice"],
    [`q=${"x".repeat(201)}`, "q"],
  ])("?%s is a 400 naming %s", (query, parameter) => {
    let error: unknown;
    try {
      parseCatalogSearch(new URLSearchParams(query));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, code: "invalid_search", details: { parameter } });
    expect((error as Error).message).toMatch(new RegExp(`^${parameter} `));
  });

  it("tells an empty search apart", () => {
    expect(isEmptySearch(parseCatalogSearch(new URLSearchParams("format=json")))).toBe(true);
    expect(isEmptySearch(parseCatalogSearch(new URLSearchParams("tag=geo")))).toBe(false);
  });
});
