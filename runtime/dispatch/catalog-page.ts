import type { CatalogEntry } from "./catalog.ts";

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The human catalog: a plain, fast page (no scripts) listing every API with an example call. */
export function renderCatalogPage(entries: readonly CatalogEntry[], origin: string): string {
  const cards = entries
    .map(
      (api) => `<article>
  <header><h2><a href="${escapeHtml(api.url)}">${escapeHtml(api.title)}</a></h2>
  <span class="price">${escapeHtml(api.price)} / call</span></header>
  <p>${escapeHtml(api.description)}</p>
  <p class="meta"><code>/${escapeHtml(api.slug)}</code> · ${api.kind}${api.tags.map((t) => ` · #${escapeHtml(t)}`).join("")}</p>
  <pre>${escapeHtml(api.exampleRequest)}</pre>
</article>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>402claw marketplace</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{margin-bottom:.2rem}article{border:1px solid #ddd;border-radius:8px;padding:1rem 1.2rem;margin:1rem 0}
article header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem}h2{font-size:1.15rem;margin:0}
a{color:#0b57d0;text-decoration:none}.price{font-weight:600;white-space:nowrap}.meta{color:#666;font-size:.9rem}
pre{background:#f5f5f7;padding:.5rem .7rem;border-radius:6px;overflow-x:auto;font-size:.85rem}
</style></head><body>
<h1>402claw marketplace</h1>
<p>Pay per call with <a href="https://x402.org">x402</a>: no account, no API key. An unpaid request answers
<code>402 Payment Required</code> with the price; pay with a wallet signature and retry.
Machine-readable: <code>GET ${escapeHtml(origin)}/?format=json</code>.</p>
${cards || "<p>No APIs are published yet.</p>"}
</body></html>`;
}
