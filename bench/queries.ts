/**
 * The measured requests, as paths relative to the API ("/?..."). The heavy set rotates over
 * categories and pages so each answer is computed, not replayed; the sort column stays fixed,
 * because the data worker keeping its sort permutation warm is the behaviour being measured.
 */
const CATEGORIES = ["cat-1", "cat-3", "cat-7", "cat-12", "cat-18"];
const PAGES = [1, 2, 3, 4];

export const HEAVY_QUERIES: readonly string[] = CATEGORIES.flatMap((category) =>
  PAGES.map(
    (page) => `/?filter_category=${category}&filter_price__gt=50&sort=price&order=desc&page=${page}&limit=50`,
  ),
);

/** As small as a data answer gets: one row, no filter, no sort. Isolates the cost of the hop. */
export const LIGHT_QUERIES: readonly string[] = ["/?limit=1"];

/** The same query through the gateway: `/<slug>?...` (the slug segment replaces the leading "/"). */
export function viaGateway(slug: string, path: string): string {
  return `/${slug}${path.slice(1)}`;
}
