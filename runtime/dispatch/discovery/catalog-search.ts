import { parseUsdPrice } from "../../../core/price.ts";
import { HttpError } from "../../shared/http-error.ts";
import type { CatalogEntry } from "../catalog.ts";

/** A catalog search: every field optional; all given ones must match. */
export interface CatalogSearch {
  /** Words that must all appear in the slug, title, description or tags (case-insensitive). */
  words: string[];
  tag?: string;
  kind?: CatalogEntry["kind"];
  /** Highest price per call, in token units. */
  maxPriceAtomic?: bigint;
}

const MAX_QUERY_CHARS = 200;

/**
 * Reads `?q=&tag=&kind=&maxPrice=` (shared by the JSON catalog and the HTML page); a bad value is
 * a 400 that names the parameter and the fix.
 */
export function parseCatalogSearch(params: URLSearchParams): CatalogSearch {
  const q = params.get("q") ?? "";
  if (q.length > MAX_QUERY_CHARS) throw badSearch("q", `is longer than ${MAX_QUERY_CHARS} characters`);
  const search: CatalogSearch = { words: q.toLowerCase().split(/\s+/).filter(Boolean) };
  const tag = params.get("tag")?.trim().toLowerCase();
  if (tag) search.tag = tag;
  const kind = params.get("kind");
  if (kind) {
    if (kind !== "data" && kind !== "function") throw badSearch("kind", "must be data or function");
    search.kind = kind;
  }
  const maxPrice = params.get("maxPrice");
  if (maxPrice) {
    const atomic = parseUsdPrice(maxPrice.startsWith("$") ? maxPrice : `$${maxPrice}`);
    if (atomic === undefined)
      throw badSearch("maxPrice", 'is not a USD amount like "$0.01" (at most 6 decimals)');
    search.maxPriceAtomic = atomic;
  }
  return search;
}

/** Whether a search has any criterion (an empty one lists everything). */
export function isEmptySearch(search: CatalogSearch): boolean {
  return !search.words.length && !search.tag && !search.kind && search.maxPriceAtomic === undefined;
}

/** The catalog entries that match every criterion, in catalog order. */
export function searchCatalog<T extends CatalogEntry>(entries: readonly T[], search: CatalogSearch): T[] {
  return entries.filter((entry) => {
    if (search.kind && entry.kind !== search.kind) return false;
    if (search.tag && !entry.tags.includes(search.tag)) return false;
    if (search.maxPriceAtomic !== undefined) {
      const price = parseUsdPrice(entry.price);
      if (price === undefined || price > search.maxPriceAtomic) return false;
    }
    if (search.words.length) {
      const text = [entry.slug, entry.title, entry.description, ...entry.tags].join(" ").toLowerCase();
      if (!search.words.every((word) => text.includes(word))) return false;
    }
    return true;
  });
}

function badSearch(parameter: string, problem: string): HttpError {
  return new HttpError(400, "invalid_search", `${parameter} ${problem}`, { parameter });
}
