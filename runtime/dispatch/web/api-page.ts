import type { ApiRecord } from "../api-record.ts";
import { pricingText } from "../pricing-summary.ts";
import type { DispatchSettings } from "../settings.ts";
import { type ColumnInfo, codeExamples, exampleSuffix, queryExamples } from "./api-examples.ts";
import { explorerUrl } from "./explorer.ts";
import { escapeHtml, renderPage, shortAddress } from "./html.ts";
import type { PublicStats } from "./public-stats.ts";
import type { WebAssets } from "./web-assets.ts";

interface DataShape {
  columns?: ColumnInfo[];
  columnCount?: number;
  rows?: number;
  sample?: Record<string, unknown> | null;
}

/** An API's page: what it is, what it costs, how to call it, and a paid call from the browser. */
export function renderApiPage(
  api: ApiRecord,
  stats: PublicStats,
  settings: DispatchSettings,
  assets: WebAssets,
): string {
  const url = `${settings.publicOrigin}/${api.slug}`;
  const exampleUrl = `${url}${exampleSuffix(api)}`;
  const ownerLink = explorerUrl(settings.network, "address", api.owner);
  const owner = ownerLink
    ? `<a href="${escapeHtml(ownerLink)}" title="${escapeHtml(api.owner)}">${escapeHtml(shortAddress(api.owner))}</a>`
    : `<abbr title="${escapeHtml(api.owner)}">${escapeHtml(shortAddress(api.owner))}</abbr>`;
  const code = codeExamples(exampleUrl);
  const main = `<nav aria-label="Breadcrumb" class="crumbs"><a href="/">Marketplace</a> › ${escapeHtml(api.title)}</nav>
<h1>${escapeHtml(api.title)}</h1>
<p class="lead">${escapeHtml(api.description)}</p>
<dl class="facts">
  <div><dt>Price</dt><dd><strong>${escapeHtml(pricingText(api))}</strong> <span class="muted">(${api.pricing ? "usage price" : "fixed price"}, USDC on ${escapeHtml(settings.network)})</span></dd></div>
  <div><dt>Kind</dt><dd>${api.kind}</dd></div>
  <div><dt>Owner</dt><dd>${owner}</dd></div>
  <div><dt>Endpoint</dt><dd><code>${escapeHtml(url)}</code></dd></div>
  <div><dt>Calls (7 days)</dt><dd data-stat="calls7d">${stats.calls7d}</dd></div>
  <div><dt>Median latency (7 days)</dt><dd data-stat="p50">${stats.p50LatencyMs === null ? "no calls yet" : `${stats.p50LatencyMs} ms`}</dd></div>
  ${api.tags.length ? `<div><dt>Tags</dt><dd>${api.tags.map((tag) => `<a href="/?tag=${encodeURIComponent(tag.toLowerCase())}">#${escapeHtml(tag)}</a>`).join(" ")}</dd></div>` : ""}
</dl>
${api.kind === "data" ? dataSection(api, url) : functionSection(api, url)}
${tryIt(api, settings)}
<section aria-labelledby="code-h"><h2 id="code-h">Call it from code</h2>
<h3>curl</h3><pre><code>${escapeHtml(code.curl)}</code></pre>
<h3>JavaScript (<code>@x402/fetch</code>)</h3><pre><code>${escapeHtml(code.javascript)}</code></pre>
<h3>Python (x402 SDK)</h3><pre><code>${escapeHtml(code.python)}</code></pre>
<p>Or with the CLI: <code>402claw call ${escapeHtml(exampleUrl)}</code></p>
</section>`;
  return renderPage({
    title: `${api.title} · 402claw`,
    main,
    assets,
    scripts: ["try-it.js"],
    current: "market",
  });
}

function dataSection(api: ApiRecord, url: string): string {
  const shape = (api.outputSchema ?? {}) as DataShape;
  const columns = Array.isArray(shape.columns) ? shape.columns : [];
  const rows = columns
    .map(
      (column) =>
        `<tr><th scope="row"><code>${escapeHtml(column.name)}</code></th><td>${escapeHtml(column.type)}</td><td>${cell(shape.sample?.[column.name])}</td></tr>`,
    )
    .join("");
  const more =
    shape.columnCount && shape.columnCount > columns.length
      ? `<p class="muted">${shape.columnCount - columns.length} more columns: see <code>${escapeHtml(url)}/schema</code>.</p>`
      : "";
  const examples = queryExamples(columns, shape.sample ?? null)
    .map((suffix) => `<li><code>GET ${escapeHtml(url + suffix)}</code></li>`)
    .join("");
  return `<section aria-labelledby="columns-h"><h2 id="columns-h">Columns</h2>
<p>${shape.rows ?? "?"} rows. The free example row is the first one.</p>
<div class="scroll"><table><thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Example row</th></tr></thead><tbody>${rows}</tbody></table></div>
${more}
</section>
<section aria-labelledby="grammar-h"><h2 id="grammar-h">Query grammar</h2>
<ul>
<li><code>filter_&lt;field&gt;=value</code>: exact match; <code>filter_&lt;field&gt;__&lt;op&gt;=value</code> with <code>gt gte lt lte ne contains in</code> (<code>in</code> takes a comma list)</li>
<li><code>sort=&lt;field&gt;</code>, <code>order=asc|desc</code>; <code>page</code>, <code>limit</code> (default 100, max 1000); <code>fields=a,b</code></li>
<li>Answers <code>{ data, pagination: { page, limit, total } }</code>; an unknown field or a bad value is a 400 that names it (and is not charged).</li>
</ul>
<p>Examples:</p><ul class="examples">${examples}</ul>
</section>`;
}

function functionSection(api: ApiRecord, url: string): string {
  const example = exampleSuffix(api);
  const params = new URLSearchParams(example.includes("?") ? example.slice(example.indexOf("?") + 1) : "");
  const rows = [...params.keys()]
    .map(
      (name) =>
        `<tr><th scope="row"><code>${escapeHtml(name)}</code></th><td><code>${escapeHtml(params.get(name) ?? "")}</code></td></tr>`,
    )
    .join("");
  return `<section aria-labelledby="input-h"><h2 id="input-h">Input</h2>
${rows ? `<div class="scroll"><table><thead><tr><th scope="col">Query parameter</th><th scope="col">Example</th></tr></thead><tbody>${rows}</tbody></table></div>` : "<p>No parameters in the creator's example.</p>"}
<p>Example: <code>GET ${escapeHtml(url + example)}</code></p>
</section>`;
}

function tryIt(api: ApiRecord, settings: DispatchSettings): string {
  return `<section aria-labelledby="try-h" class="try"><h2 id="try-h">Try it</h2>
<form id="try-it" method="get" action="/${escapeHtml(api.slug)}" data-slug="${escapeHtml(api.slug)}" data-network="${escapeHtml(settings.network)}" data-asset="${escapeHtml(settings.asset)}" data-max-amount="${escapeHtml(api.priceAtomic)}" data-explorer-tx="${escapeHtml(explorerUrl(settings.network, "tx", "") ?? "")}">
<fieldset disabled><label>Request <span class="prefix">/${escapeHtml(api.slug)}</span><input name="path" value="${escapeHtml(exampleSuffix(api))}" aria-describedby="try-help" spellcheck="false"></label>
<p id="try-help" class="muted">Pays ${escapeHtml(api.priceUsd)} from your browser wallet (an EIP-712 signature; the marketplace settles it on chain). Nothing is charged if the API answers with an error.</p>
<button type="submit" data-action="pay">Pay ${escapeHtml(api.priceUsd)} and call</button></fieldset>
<noscript><p class="notice">Paying from this page needs JavaScript and a browser wallet. Without them, use the code below.</p></noscript>
</form>
<div id="try-result" hidden>
<p class="status" role="status" aria-live="polite"></p>
<div class="receipt" hidden><h3>Receipt</h3><dl><div><dt>Paid by</dt><dd data-field="payer"></dd></div><div><dt>Transaction</dt><dd data-field="transaction"></dd></div><div><dt>Network</dt><dd data-field="network"></dd></div></dl></div>
<h3>Response</h3><pre class="response"><code></code></pre>
</div>
</section>`;
}

function cell(value: unknown): string {
  if (value === undefined) return "";
  return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
}
