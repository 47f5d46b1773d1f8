import type { BuiltApi } from "../build/types.ts";

/** A parameterised statement, runnable through a D1 binding or the D1 HTTP API alike. */
export interface SqlStatement {
  sql: string;
  params: Array<string | number | null>;
}

/** How an API's revenue is split: recorded with the API so stats can show shares. */
export interface SplitRecord {
  platformFeeBps: number;
  kind: "0xsplits-v2" | "local-payment-splitter";
}

/** Statements that make D1's catalog match a freshly built API (idempotent: safe to re-run). */
export function registerApiStatements(
  built: BuiltApi,
  payTo: string,
  nowSeconds: number,
  split?: SplitRecord,
): SqlStatement[] {
  const m = built.manifest;
  const priceAtomic = Number(built.priceAtomic);
  const outputSchema = built.data
    ? JSON.stringify({ columns: built.data.columns, rows: built.data.rows, sample: built.data.sample })
    : null;
  return [
    { sql: "INSERT INTO creators (address) VALUES (?) ON CONFLICT (address) DO NOTHING", params: [m.owner] },
    {
      sql: `INSERT INTO apis (slug, title, description, kind, owner, price_usd, price_atomic, pay_to, worker_name,
              settle_mode, limits_json, egress_json, tags_json, example, output_schema_json, content_hash, status,
              created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
            ON CONFLICT (slug) DO UPDATE SET title = excluded.title, description = excluded.description,
              kind = excluded.kind, owner = excluded.owner, price_usd = excluded.price_usd,
              price_atomic = excluded.price_atomic, pay_to = excluded.pay_to, worker_name = excluded.worker_name,
              settle_mode = excluded.settle_mode, limits_json = excluded.limits_json,
              egress_json = excluded.egress_json, tags_json = excluded.tags_json, example = excluded.example,
              output_schema_json = excluded.output_schema_json, content_hash = excluded.content_hash,
              status = 'active', updated_at = excluded.updated_at`,
      params: [
        m.slug,
        m.title,
        m.description,
        m.kind,
        m.owner,
        m.price,
        priceAtomic,
        payTo,
        built.workerName,
        m.settle,
        JSON.stringify(m.limits ?? {}),
        JSON.stringify(m.egress ?? []),
        JSON.stringify(m.tags ?? []),
        m.example ?? null,
        outputSchema,
        built.contentHash,
        nowSeconds,
        nowSeconds,
      ],
    },
    // A price history row only when price or payTo actually changed, so quotes stay honourable.
    {
      sql: `INSERT OR REPLACE INTO api_prices (slug, price_atomic, pay_to, effective_from)
            SELECT ?, ?, ?, ? WHERE NOT EXISTS (
              SELECT 1 FROM api_prices WHERE slug = ? AND price_atomic = ? AND pay_to = ?
                AND effective_from = (SELECT MAX(effective_from) FROM api_prices WHERE slug = ?))`,
      params: [m.slug, priceAtomic, payTo, nowSeconds, m.slug, priceAtomic, payTo, m.slug],
    },
    ...(split
      ? [
          {
            sql: "UPDATE apis SET platform_fee_bps = ?, split_kind = ? WHERE slug = ?",
            params: [split.platformFeeBps, split.kind, m.slug],
          },
        ]
      : []),
  ];
}

/** Marks an API retired: it leaves the catalog, its usage and payments history stay. */
export function retireApiStatement(slug: string, nowSeconds: number): SqlStatement {
  return {
    sql: "UPDATE apis SET status = 'retired', updated_at = ? WHERE slug = ?",
    params: [nowSeconds, slug],
  };
}
