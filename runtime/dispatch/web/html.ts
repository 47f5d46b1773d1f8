import type { WebAssets } from "./web-assets.ts";

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A short form of a wallet address for display: 0x1234…abcd. */
export const shortAddress = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;

export interface PageOptions {
  title: string;
  /** Already-escaped HTML of the page's main content. */
  main: string;
  assets: WebAssets;
  /** Script entries (source names, e.g. "dashboard.js") the page loads as modules. */
  scripts?: string[];
  /** Which navigation link is the current page. */
  current?: "market" | "dashboard";
}

/** The page frame every page shares: header with navigation, main content, footer. */
export function renderPage(options: PageOptions): string {
  const css = options.assets.entries["site.css"];
  const scripts = (options.scripts ?? [])
    .map((name) => options.assets.entries[name])
    .filter((url): url is string => Boolean(url))
    .map((url) => `<script type="module" src="${escapeHtml(url)}"></script>`)
    .join("");
  const link = (href: string, label: string, key: PageOptions["current"]) =>
    `<a href="${href}"${options.current === key ? ' aria-current="page"' : ""}>${label}</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(options.title)}</title>
${css ? `<link rel="stylesheet" href="${escapeHtml(css)}">` : ""}${scripts}
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a class="brand" href="/">402claw</a>
<nav aria-label="Main">${link("/", "Marketplace", "market")}${link("/dashboard", "Dashboard", "dashboard")}</nav></header>
<main id="main">
${options.main}
</main>
<footer class="site"><p>Pay per call with <a href="https://x402.org">x402</a>: no account, no API key.
Machine-readable catalog: <a href="/?format=json"><code>/?format=json</code></a>.</p></footer>
</body></html>`;
}
