import { HttpError } from "../../shared/http-error.ts";

/** An API as its owner's private endpoints need it. */
export interface OwnedApi {
  slug: string;
  title: string;
  status: string;
  owner: string;
  priceAtomic: string;
  payTo: string;
  platformFeeBps: number;
  /** Which splitter made `payTo` (null for APIs registered before splits were recorded). */
  splitKind: "0xsplits-v2" | "local-payment-splitter" | null;
}

/**
 * The APIs `owner` owns (retired ones too: their earnings still matter), or just `slug`. A slug
 * the caller does not own is a 404 whether or not it exists, so nobody learns about others' APIs.
 */
export async function ownedApis(db: D1Database, owner: string, slug?: string): Promise<OwnedApi[]> {
  const filter = slug === undefined ? "" : " AND slug = ?";
  const { results } = await db
    .prepare(
      `SELECT slug, title, status, owner, price_atomic, pay_to, platform_fee_bps, split_kind FROM apis
        WHERE lower(owner) = lower(?)${filter} ORDER BY slug`,
    )
    .bind(...(slug === undefined ? [owner] : [owner, slug]))
    .all<Record<string, unknown>>();
  if (slug !== undefined && results.length === 0) {
    throw new HttpError(404, "api_not_found", `you (${owner}) own no API "${slug}"`, { slug });
  }
  return results.map((row) => ({
    slug: String(row.slug),
    title: String(row.title),
    status: String(row.status),
    owner: String(row.owner),
    priceAtomic: String(row.price_atomic),
    payTo: String(row.pay_to),
    platformFeeBps: Number(row.platform_fee_bps ?? 0),
    splitKind:
      row.split_kind === "0xsplits-v2" || row.split_kind === "local-payment-splitter" ? row.split_kind : null,
  }));
}

/** The one API `owner` owns under `slug`, or a 404. */
export async function ownedApi(db: D1Database, owner: string, slug: string): Promise<OwnedApi> {
  const [api] = await ownedApis(db, owner, slug);
  return api!;
}
