import { apiCacheKey } from "../shared/cache-keys.ts";
import {
  API_COLUMNS,
  type ApiRecord,
  decodeApiRow,
  EARLIER_PRICES_WINDOW_SECONDS,
  earlierPricesFrom,
} from "./api-record.ts";
import type { DispatchEnv } from "./env.ts";

/**
 * Staleness bounds of API metadata. The deploy path purges the KV entry on every change, so KV
 * is fresh within seconds; the per-isolate memory layer keeps the hot path free of KV reads.
 */
export const MEMORY_TTL_MS = 5_000;
export const KV_TTL_SECONDS = 60;

interface Cached<T> {
  value: T;
  expires: number;
}

const memory = new Map<string, Cached<ApiRecord | null>>();
let catalogCache: Cached<ApiRecord[]> | undefined;

/** An active API by slug, or null; D1 behind KV behind isolate memory. */
export async function findApi(
  env: DispatchEnv,
  slug: string,
  waitUntil: (work: Promise<unknown>) => void,
  now = Date.now(),
): Promise<ApiRecord | null> {
  const hit = memory.get(slug);
  if (hit && hit.expires > now) return hit.value;
  const record = (await readKv(env, slug)) ?? (await readD1(env, slug, waitUntil));
  const active = record && record.status === "active" ? record : null;
  if (memory.size > 10_000) memory.clear();
  memory.set(slug, { value: active, expires: now + MEMORY_TTL_MS });
  return active;
}

/** Every active API, for the catalog. */
export async function listApis(env: DispatchEnv, now = Date.now()): Promise<ApiRecord[]> {
  if (catalogCache && catalogCache.expires > now) return catalogCache.value;
  const { results } = await env.DB.prepare(
    `SELECT ${API_COLUMNS} FROM apis WHERE status = 'active' ORDER BY slug`,
  ).all();
  const apis = results.map((row) => decodeApiRow(row as Record<string, unknown>));
  catalogCache = { value: apis, expires: now + MEMORY_TTL_MS };
  return apis;
}

/** Forgets this isolate's cached metadata (tests, and after the local stack re-registers APIs). */
export function forgetCachedApis(): void {
  memory.clear();
  catalogCache = undefined;
}

async function readKv(env: DispatchEnv, slug: string): Promise<ApiRecord | null> {
  const cached = await env.CACHE.get<ApiRecord>(apiCacheKey(slug), "json");
  return cached ?? null;
}

async function readD1(
  env: DispatchEnv,
  slug: string,
  waitUntil: (work: Promise<unknown>) => void,
): Promise<ApiRecord | null> {
  const row = await env.DB.prepare(`SELECT ${API_COLUMNS} FROM apis WHERE slug = ?`).bind(slug).first();
  if (!row) return null;
  const record = decodeApiRow(row as Record<string, unknown>);
  const { results: prices } = await env.DB.prepare(
    "SELECT price_atomic, pay_to, effective_from FROM api_prices WHERE slug = ? ORDER BY effective_from DESC LIMIT 5",
  )
    .bind(slug)
    .all<{ price_atomic: number; pay_to: string; effective_from: number }>();
  const since = Date.now() - EARLIER_PRICES_WINDOW_SECONDS * 1000;
  record.earlierPrices = earlierPricesFrom(prices).filter((price) => price.until > since);
  // Only known APIs are written to KV: unknown slugs must not let callers fill the cache.
  // Filling the cache is off the request path: this caller already has what it needs.
  waitUntil(env.CACHE.put(apiCacheKey(slug), JSON.stringify(record), { expirationTtl: KV_TTL_SECONDS }));
  return record;
}
