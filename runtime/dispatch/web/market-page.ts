import type { CatalogEntry } from "../catalog.ts";
import { type CatalogQuery, type QueryProblem, SORTS } from "../catalog-query.ts";
import { escapeHtml, renderPage } from "./html.ts";
import type { WebAssets } from "./web-assets.ts";

export interface MarketPageInput {
  /** Entries after filtering and sorting. */
  shown: readonly CatalogEntry[];
  /** Every entry, for the tag choices. */
  all: readonly CatalogEntry[];
  query: CatalogQuery;
  problems: readonly QueryProblem[];
  callsOf: (slug: string) => number;
  assets: WebAssets;
}

/** The marketplace: search, filters and sort as a plain GET form, so it works without JavaScript. */
export function renderMarketPage(input: MarketPageInput): string {
  const { query } = input;
  const tags = [...new Set(input.all.flatMap((entry) => entry.tags.map((tag) => tag.toLowerCase())))].sort();
  const option = (value: string, label: string, selected: string) =>
    `<option value="${escapeHtml(value)}"${value === selected ? " selected" : ""}>${escapeHtml(label)}</option>`;
  const form = `<form class="filters" method="get" action="/" role="search" aria-label="Search APIs">
  <label class="grow">Search <input type="search" name="q" value="${escapeHtml(query.q)}" placeholder="cities, currency, elements…"></label>
  <label>Tag <select name="tag">${option("", "Any", query.tag)}${tags.map((tag) => option(tag, tag, query.tag)).join("")}</select></label>
  <label>Kind <select name="kind">${option("", "Any", query.kind)}${option("data", "Data", query.kind)}${option("function", "Function", query.kind)}</select></label>
  <label>Max price (USD) <input type="text" inputmode="decimal" name="maxPrice" size="8" value="${escapeHtml(query.maxPriceText)}" placeholder="0.01"></label>
  <label>Sort <select name="sort">${Object.entries(SORTS)
    .map(([value, label]) => option(value, label, query.sort))
    .join("")}</select></label>
  <button type="submit">Search</button>
</form>`;
  const problems = input.problems.length
    ? `<div class="notice" role="alert"><p>Some filters were ignored:</p><ul>${input.problems
        .map(
          (problem) => `<li><code>${escapeHtml(problem.field)}</code>: ${escapeHtml(problem.message)}</li>`,
        )
        .join("")}</ul></div>`
    : "";
  const cards = input.shown.map((entry) => card(entry, input.callsOf(entry.slug))).join("\n");
  const filtered = input.shown.length !== input.all.length;
  const summary = `<p class="count" aria-live="polite">${input.shown.length} of ${input.all.length} APIs${
    filtered ? ` · <a href="/">clear filters</a>` : ""
  }</p>`;
  const empty = input.all.length === 0 ? "No APIs are published yet." : "No API matches these filters.";
  const main = `<h1>Marketplace</h1>
<p class="lead">APIs you pay per call with a wallet signature. An unpaid request answers <code>402 Payment Required</code> with the price; pay and retry.</p>
${form}
${problems}
${summary}
<ul class="cards">
${cards || `<li class="empty">${empty}</li>`}
</ul>`;
  return renderPage({ title: "402claw marketplace", main, assets: input.assets, current: "market" });
}

function card(entry: CatalogEntry, calls: number): string {
  return `<li class="card"><article>
  <header><h2><a href="/catalog/${escapeHtml(entry.slug)}">${escapeHtml(entry.title)}</a></h2>
  <span class="price">${escapeHtml(entry.price)} / call</span></header>
  <p>${escapeHtml(entry.description)}</p>
  <p class="meta"><a href="${escapeHtml(entry.url)}" title="The endpoint (answers 402 with the price)"><code>/${escapeHtml(entry.slug)}</code></a> · <span class="kind">${entry.kind}</span>${entry.tags
    .map((tag) => ` · <a href="/?tag=${encodeURIComponent(tag.toLowerCase())}">#${escapeHtml(tag)}</a>`)
    .join("")} · ${calls} call${calls === 1 ? "" : "s"} this week</p>
</article></li>`;
}
