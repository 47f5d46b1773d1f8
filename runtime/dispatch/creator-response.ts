// A creator's response is served on the marketplace's origin, where creators' dashboard sessions
// live. Everything in it that could act as that origin — set cookies, loosen or replace its
// security policies, pin HSTS, wipe site data, redirect off-site, open auth dialogs, register
// reporting or alternative services — is dropped here, and every creator response is sandboxed.
// The README's "What a creator's response can set" is the public version of this file.

/**
 * Standard headers a creator may set: they describe the representation, its caching or the
 * retry, and affect nothing beyond this one response. Anything not listed (and not a custom
 * `x-` header below) is dropped.
 */
const ALLOWED = new Set([
  "accept-ranges",
  "age",
  "allow",
  "cache-control",
  "content-digest",
  "content-disposition",
  "content-encoding",
  "content-language",
  "content-length",
  "content-range",
  "content-type",
  "date",
  "digest",
  "etag",
  "expires",
  "last-modified",
  "pragma",
  "preference-applied",
  "repr-digest",
  "retry-after",
  "vary",
]);

/**
 * Headers dropped even though they match an allowed pattern (`x-…`), or that this file names
 * to document why they can never pass. The allowlist already drops all of them; the reasons
 * are what the README and the tests refer to.
 */
export const DROPPED_HEADERS: Readonly<Record<string, string>> = {
  "set-cookie": "would set cookies on the marketplace's origin (session fixation, cookie tossing)",
  "set-cookie2": "obsolete cookie header, same risk as set-cookie",
  "access-control-allow-origin": "the platform decides CORS",
  "access-control-allow-credentials": "would let other sites read responses with the caller's credentials",
  "access-control-allow-headers": "the platform decides CORS",
  "access-control-allow-methods": "the platform decides CORS",
  "access-control-expose-headers": "the platform decides CORS",
  "access-control-max-age": "the platform decides CORS",
  "clear-site-data": "would wipe the origin's cookies and storage (log every creator out)",
  "content-security-policy": "the platform sets `sandbox`; a creator policy could only loosen or confuse it",
  "content-security-policy-report-only": "origin policy reports go where the platform says",
  "strict-transport-security": "HSTS is origin-wide (and includeSubDomains domain-wide)",
  "public-key-pins": "origin-wide key pinning (obsolete)",
  "public-key-pins-report-only": "origin-wide key pinning (obsolete)",
  "expect-ct": "origin-wide certificate policy (obsolete)",
  "service-worker-allowed": "would widen a service worker's scope beyond its folder",
  "cross-origin-opener-policy": "browsing-context isolation is the platform's decision",
  "cross-origin-embedder-policy": "browsing-context isolation is the platform's decision",
  "cross-origin-resource-policy": "the platform decides who may embed its resources",
  "origin-agent-cluster": "agent clustering must be the same for the whole origin",
  "permissions-policy": "browser features are the platform's decision",
  "feature-policy": "old name of permissions-policy",
  "document-policy": "document policies are the platform's decision",
  refresh: "a redirect that bypasses Location checks (`Refresh: 0; url=https://evil`)",
  link: "preloads, stylesheets and other resources fetched on the origin's behalf",
  "alt-svc": "would send the browser to another server for the whole origin",
  "timing-allow-origin": "would expose the origin's timing data to other sites",
  nel: "origin-wide network error logging to the creator's endpoint",
  "report-to": "origin-wide reporting endpoints",
  "reporting-endpoints": "reporting endpoints for the origin's documents",
  "accept-ch": "client hints persist for the whole origin",
  "critical-ch": "client hints persist for the whole origin",
  "www-authenticate": "a Basic/Digest prompt on the marketplace's origin is credential phishing",
  "proxy-authenticate": "authentication prompts are never a creator's to raise",
  "use-as-dictionary": "a compression dictionary can match other paths of the origin",
  "speculation-rules": "would make the browser prefetch or prerender on the origin's behalf",
  "supports-loading-mode": "opts the origin into prerendering modes",
  "set-login": "the origin's login status (FedCM) is the platform's",
  "payment-required": "x402 quotes come from the platform's gate only",
  "payment-response": "payment receipts come from the platform's gate only",
  "x-payment-response": "payment receipts (x402 v1) come from the platform's gate only",
  "x-content-type-options": "the platform always sets nosniff",
  "x-xss-protection": "its report= mode sends the origin's reports elsewhere",
  "x-permitted-cross-domain-policies": "cross-domain policy for the whole origin",
  "x-402claw-*": "platform-internal signals cannot be forged by a creator",
  location: "kept only inside the API's own path (rewritten to an absolute path under /<slug>)",
  "content-location": "kept only inside the API's own path, like location",
};

const DROPPED_CUSTOM = new Set(Object.keys(DROPPED_HEADERS).filter((name) => name.startsWith("x-")));
/** Headers every creator response carries, whatever the creator sent. */
export const CREATOR_RESPONSE_GUARDS: Readonly<Record<string, string>> = {
  // Creator HTML/SVG renders in an opaque origin: no scripts, no forms, no same-origin access.
  "content-security-policy": "sandbox",
  "x-content-type-options": "nosniff",
};
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Where a creator's response was asked for: the API and the URL the creator saw. */
export interface CreatorResponseContext {
  slug: string;
  /** The marketplace's configured public origin. */
  publicOrigin: string;
  /** The request URL as the creator saw it: an origin plus the API-relative path and query. */
  creatorUrl: string;
}

/** Whether a creator may set this header (lowercase name) on its response. */
export function creatorMaySet(name: string): boolean {
  if (ALLOWED.has(name)) return true;
  if (!name.startsWith("x-") || name.startsWith("x-402claw-")) return false;
  return !DROPPED_CUSTOM.has(name);
}

/**
 * A creator's response made safe to serve on the marketplace's origin: only allowed headers,
 * redirects kept inside the API, a content type always declared, and the sandbox guards set.
 */
export function sanitizeCreatorResponse(response: Response, context: CreatorResponseContext): Response {
  const headers = new Headers();
  for (const [name, value] of response.headers) {
    if (creatorMaySet(name)) headers.append(name, value);
  }
  for (const name of ["location", "content-location"]) {
    const value = response.headers.get(name);
    const kept = value === null ? undefined : insideApi(value, context);
    if (kept !== undefined) headers.set(name, kept);
  }
  const cacheControl = headers.get("cache-control");
  if (cacheControl !== null) headers.set("cache-control", forThePayerOnly(cacheControl));
  const body = NULL_BODY_STATUSES.has(response.status) ? null : response.body;
  // Without a declared type a browser would guess one; an opaque download is never rendered.
  if (body !== null && !headers.has("content-type")) headers.set("content-type", "application/octet-stream");
  return withCreatorGuards(
    new Response(body, { status: response.status, statusText: response.statusText, headers }),
  );
}

/**
 * A creator's answer is only ever served to the caller who paid for it: a shared cache (a CDN, a
 * proxy) that stored one would hand it to the next caller of the same URL without a 402. So
 * `public`, `s-maxage` and `proxy-revalidate` are dropped and `private` is always set; the
 * caller's own cache keeps the creator's `max-age`.
 */
export function forThePayerOnly(cacheControl: string): string {
  const kept = cacheControl
    .split(",")
    .map((directive) => directive.trim())
    .filter((directive) => directive !== "" && !SHARED_CACHE_DIRECTIVE.test(directive));
  return [...kept, "private"].join(", ");
}

const SHARED_CACHE_DIRECTIVE = /^(public|private|proxy-revalidate|s-maxage\s*=.*)$/i;

/** Sets the sandbox guards on a response served for a creator (its own or the platform's answer for it). */
export function withCreatorGuards(response: Response): Response {
  const guarded = new Response(response.body, response);
  for (const [name, value] of Object.entries(CREATOR_RESPONSE_GUARDS)) guarded.headers.set(name, value);
  return guarded;
}

/**
 * A creator's Location (or Content-Location) as an absolute path inside its API, or undefined when
 * it points anywhere else. Creators see API-relative URLs, so `/next` means `/<slug>/next`; an
 * absolute URL counts only on the creator's own or the marketplace's origin.
 */
function insideApi(value: string, context: CreatorResponseContext): string | undefined {
  let base: URL;
  let target: URL;
  try {
    base = new URL(context.creatorUrl);
    target = new URL(value, base);
  } catch {
    return undefined;
  }
  if (target.origin !== base.origin && target.origin !== context.publicOrigin) return undefined;
  if (target.username || target.password) return undefined;
  let path = target.pathname;
  // An absolute URL on the marketplace's origin that already names this API keeps its path.
  const prefix = `/${context.slug}`;
  const alreadyPrefixed =
    target.origin === context.publicOrigin &&
    target.origin !== base.origin &&
    (path === prefix || path.startsWith(`${prefix}/`));
  if (!alreadyPrefixed) path = `${prefix}${path}`;
  return `${path}${target.search}${target.hash}`;
}
