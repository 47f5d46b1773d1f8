import type { BuiltApi } from "../build/types.ts";
import { BuildError } from "../errors.ts";
import { usagePricingOf } from "../usage-pricing.ts";
import { catalogSummary } from "./data-summary.ts";

/**
 * Any text written to the catalog row stays far below D1's 2 MB string limit (and the 402 header's
 * budget); everything derived from creator data is already bounded, so this guards regressions.
 */
export const MAX_ROW_TEXT_BYTES = 64 * 1024;

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
  const usage = usagePricingOf(m);
  const outputSchema = built.data ? JSON.stringify(catalogSummary(built.data)) : null;
  const statements: SqlStatement[] = [
    { sql: "INSERT INTO creators (address) VALUES (?) ON CONFLICT (address) DO NOTHING", params: [m.owner] },
    {
      sql: `INSERT INTO apis (slug, title, description, kind, owner, price_usd, price_atomic, pay_to, worker_name,
              settle_mode, limits_json, egress_json, tags_json, example, output_schema_json, content_hash, status,
              created_at, updated_at, http_method, input_schema_json, response_schema_json, pricing_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)
            ON CONFLICT (slug) DO UPDATE SET title = excluded.title, description = excluded.description,
              kind = excluded.kind, owner = excluded.owner, price_usd = excluded.price_usd,
              price_atomic = excluded.price_atomic, pay_to = excluded.pay_to, worker_name = excluded.worker_name,
              settle_mode = excluded.settle_mode, limits_json = excluded.limits_json,
              egress_json = excluded.egress_json, tags_json = excluded.tags_json, example = excluded.example,
              output_schema_json = excluded.output_schema_json, content_hash = excluded.content_hash,
              status = 'active', updated_at = excluded.updated_at, http_method = excluded.http_method,
              input_schema_json = excluded.input_schema_json, response_schema_json = excluded.response_schema_json,
              pricing_json = excluded.pricing_json`,
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
        m.method ?? "GET",
        m.input === undefined ? null : JSON.stringify(m.input),
        m.output === undefined ? null : JSON.stringify(m.output),
        usage ? JSON.stringify(usage) : null,
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
  for (const statement of statements) checkRowSize(built, statement);
  return statements;
}

function checkRowSize(built: BuiltApi, statement: SqlStatement): void {
  for (const param of statement.params) {
    if (typeof param === "string" && Buffer.byteLength(param) > MAX_ROW_TEXT_BYTES) {
      throw new BuildError(
        built.slug,
        `its catalog metadata has a ${Buffer.byteLength(param)}-byte value, over ${MAX_ROW_TEXT_BYTES} bytes`,
        "shorten the manifest's texts (this is a platform bug if they are short: please report it)",
      );
    }
  }
}

/** Marks an API retired: it leaves the catalog, its usage and payments history stay. */
export function retireApiStatement(slug: string, nowSeconds: number): SqlStatement {
  return {
    sql: "UPDATE apis SET status = 'retired', updated_at = ? WHERE slug = ?",
    params: [nowSeconds, slug],
  };
}
