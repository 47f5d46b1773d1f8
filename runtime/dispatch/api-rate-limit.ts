/**
 * A creator's `limits.ratePerMinute`: paid calls per API per minute, counted in a fixed window.
 * Counted per isolate, so on Cloudflare (many isolates) it is a soft cap that protects the
 * creator's worker; the zone's http_ratelimit rule is the hard, platform-wide limit.
 */
const windows = new Map<string, { start: number; count: number }>();
const WINDOW_MS = 60_000;

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Counts one call to `slug` and says whether it is within `ratePerMinute`. */
export function takeApiCall(slug: string, ratePerMinute: number, now = Date.now()): RateVerdict {
  let window = windows.get(slug);
  if (!window || now - window.start >= WINDOW_MS) {
    if (windows.size > 10_000) windows.clear();
    window = { start: now, count: 0 };
    windows.set(slug, window);
  }
  if (window.count >= ratePerMinute) {
    return { ok: false, retryAfterSeconds: Math.ceil((window.start + WINDOW_MS - now) / 1000) };
  }
  window.count++;
  return { ok: true };
}
