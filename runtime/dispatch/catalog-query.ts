import { parseUsdPrice } from "../../core/price.ts";
import { HttpError } from "../shared/http-error.ts";
import type { CatalogEntry } from "./catalog.ts";

// The catalog's search, filters and sort: one reading of `?q=&tag=&kind=&maxPrice=&sort=` for the
// JSON catalog (a bad value is a 400) and the marketplace page (a bad value is shown and ignored).

const MAX_QUERY_CHARS = 200;

export const SORTS = {
  relevance: "Best match",
  popular: "Most called (7 days)",
  "price-asc": "Price: low to high",
  "price-desc": "Price: high to low",
  title: "Name",
} as const;
export type Sort = keyof typeof SORTS;

/** What the visitor asked for; empty fields filter nothing. */
export interface CatalogQuery {
  q: string;
  tag: string;
  kind: "" | "data" | "function";
  /** Token units, or undefined for no limit. */
  maxPrice: bigint | undefined;
  /** The max price as typed, for the form. */
  maxPriceText: string;
  sort: Sort;
}

/** A query parameter that cannot be understood; the page shows it and lists everything. */
export interface QueryProblem {
  field: string;
  message: string;
}

/** Reads `q`, `tag`, `kind`, `maxPrice` (USD, e.g. 0.01) and `sort` from the page's URL. */
export function parseCatalogQuery(params: URLSearchParams): {
  query: CatalogQuery;
  problems: QueryProblem[];
} {
  const problems: QueryProblem[] = [];
  const text = (name: string) => (params.get(name) ?? "").trim().slice(0, MAX_QUERY_CHARS);
  if ((params.get("q") ?? "").trim().length > MAX_QUERY_CHARS) {
    problems.push({ field: "q", message: `q is longer than ${MAX_QUERY_CHARS} characters` });
  }
  const kindText = text("kind");
  const kind = kindText === "data" || kindText === "function" ? kindText : "";
  if (kindText && !kind) problems.push({ field: "kind", message: `kind must be "data" or "function"` });
  const maxPriceText = text("maxPrice");
  let maxPrice: bigint | undefined;
  if (maxPriceText) {
    maxPrice = parseUsdPrice(maxPriceText.startsWith("$") ? maxPriceText : `$${maxPriceText}`);
    if (maxPrice === undefined) {
      problems.push({
        field: "maxPrice",
        message: "maxPrice must be a USD amount such as 0.01 (up to 6 decimals)",
      });
    }
  }
  const sortText = text("sort");
  const sort = (sortText in SORTS ? sortText : "relevance") as Sort;
  if (sortText && !(sortText in SORTS)) {
    problems.push({ field: "sort", message: `sort must be one of ${Object.keys(SORTS).join(", ")}` });
  }
  return {
    query: { q: text("q"), tag: text("tag").toLowerCase(), kind, maxPrice, maxPriceText, sort },
    problems,
  };
}

/** Entries matching the query, in the asked order. `callsOf` gives each API's recent calls. */
export function filterCatalog(
  entries: readonly CatalogEntry[],
  query: CatalogQuery,
  callsOf: (slug: string) => number = () => 0,
): CatalogEntry[] {
  const words = query.q.toLowerCase().split(/\s+/).filter(Boolean);
  const score = (entry: CatalogEntry) => {
    const title = entry.title.toLowerCase();
    const rest = `${entry.slug} ${entry.description} ${entry.tags.join(" ")}`.toLowerCase();
    let total = 0;
    for (const word of words) {
      if (title.includes(word)) total += 2;
      else if (rest.includes(word)) total += 1;
      else return -1; // every word must appear somewhere
    }
    return total;
  };
  const priceOf = (entry: CatalogEntry) => parseUsdPrice(entry.price) ?? 0n;
  const matching = entries
    .map((entry) => ({ entry, score: score(entry) }))
    .filter(({ entry, score }) => {
      if (score < 0) return false;
      if (query.tag && !entry.tags.some((tag) => tag.toLowerCase() === query.tag)) return false;
      if (query.kind && entry.kind !== query.kind) return false;
      if (query.maxPrice !== undefined && priceOf(entry) > query.maxPrice) return false;
      return true;
    });
  const byTitle = (a: CatalogEntry, b: CatalogEntry) => a.title.localeCompare(b.title);
  const compare: Record<Sort, (a: (typeof matching)[number], b: (typeof matching)[number]) => number> = {
    // Ties keep the catalog's own order.
    relevance: (a, b) => b.score - a.score || entries.indexOf(a.entry) - entries.indexOf(b.entry),
    popular: (a, b) => callsOf(b.entry.slug) - callsOf(a.entry.slug) || byTitle(a.entry, b.entry),
    "price-asc": (a, b) => Number(priceOf(a.entry) - priceOf(b.entry)) || byTitle(a.entry, b.entry),
    "price-desc": (a, b) => Number(priceOf(b.entry) - priceOf(a.entry)) || byTitle(a.entry, b.entry),
    title: (a, b) => byTitle(a.entry, b.entry),
  };
  return matching.sort(compare[query.sort]).map(({ entry }) => entry);
}

/** Whether a query asks for anything (an empty one lists the whole catalog in its own order). */
export function isEmptyQuery(query: CatalogQuery): boolean {
  return !query.q && !query.tag && !query.kind && query.maxPrice === undefined && query.sort === "relevance";
}

/** The query for the JSON catalog: a parameter it cannot understand is a 400 naming it. */
export function strictCatalogQuery(params: URLSearchParams): CatalogQuery {
  const { query, problems } = parseCatalogQuery(params);
  const first = problems[0];
  if (first) throw new HttpError(400, "invalid_search", first.message, { parameter: first.field });
  return query;
}
