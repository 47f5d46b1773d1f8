import type { ApiRecord } from "./api-record.ts";
import { type PricingSummary, pricingSummary } from "./pricing-summary.ts";

/** One catalog entry: what a caller or an agent needs to decide to buy a call. */
export interface CatalogEntry {
  slug: string;
  title: string;
  description: string;
  kind: ApiRecord["kind"];
  /** The price of a call; with usage pricing, the most a call costs. */
  price: string;
  pricing: PricingSummary;
  tags: string[];
  url: string;
  exampleRequest: string;
  /** The API's revenue split: public anyway (it is on chain), and what `402claw withdraw` needs. */
  split: { payTo: string; creator: string; platformFeeBps: number };
}

/** The example request shown for an API: the creator's own, or a sensible default for its kind. */
export function exampleRequest(api: ApiRecord, origin: string): string {
  const suffix = api.example ?? (api.kind === "data" ? "?limit=5" : "");
  const separator = suffix.startsWith("/") || suffix.startsWith("?") || suffix === "" ? "" : "/";
  return `GET ${origin}/${api.slug}${separator}${suffix}`;
}

/** Catalog entries for every active API. */
export function catalogEntries(apis: readonly ApiRecord[], origin: string): CatalogEntry[] {
  return apis.map((api) => ({
    slug: api.slug,
    title: api.title,
    description: api.description,
    kind: api.kind,
    price: api.priceUsd,
    pricing: pricingSummary(api),
    tags: api.tags,
    url: `${origin}/${api.slug}`,
    exampleRequest: exampleRequest(api, origin),
    split: { payTo: api.payTo, creator: api.owner, platformFeeBps: api.platformFeeBps },
  }));
}

/** Whether the client asked for JSON rather than a page (Accept, or ?format=json). */
export function wantsJson(request: Request): boolean {
  const format = new URL(request.url).searchParams.get("format");
  if (format) return format === "json";
  const accept = request.headers.get("accept") ?? "";
  if (!accept || accept === "*/*") return true;
  const json = accept.indexOf("application/json");
  const html = accept.indexOf("text/html");
  return json !== -1 && (html === -1 || json < html);
}
