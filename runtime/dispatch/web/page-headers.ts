/**
 * Our pages' Content-Security-Policy: scripts and styles only from our own /assets (no inline
 * code, no CDN), fetches only to this origin (the wallet does its own RPC), no framing, forms
 * post only here. Creator responses get `sandbox` instead (creator-response.ts).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers on every page we render. `private` pages (the dashboard) are never cached. */
export function pageHeaders(options: { private?: boolean } = {}): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": PAGE_CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": options.private ? "no-store" : "no-cache",
  };
}
