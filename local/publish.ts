import type { Miniflare } from "miniflare";
import { buildApi } from "../core/build/build-api.ts";
import type { BuiltApi } from "../core/build/types.ts";
import {
  registerApiStatements,
  retireApiStatement,
  type SplitRecord,
  type SqlStatement,
} from "../core/catalog/api-row.ts";
import type { LoadedApi } from "../core/manifest/load.ts";
import type { LocalScript } from "../runtime/local-namespace/protocol.ts";
import { apiCacheKey } from "../runtime/shared/cache-keys.ts";
import type { CreatorSupervisor } from "./creator-supervisor.ts";

/** Builds every API with the shared builder and deploys it to the local namespace, R2, D1 and KV. */
export async function publishApis(
  mf: Miniflare,
  namespace: CreatorSupervisor,
  apis: readonly LoadedApi[],
  payments: { payToFor: (api: LoadedApi) => string; splitFor: (api: LoadedApi) => SplitRecord },
): Promise<BuiltApi[]> {
  const built = await Promise.all(apis.map((api) => buildApi(api)));
  const db = await mf.getD1Database("DB", "dispatch");
  const cache = await mf.getKVNamespace("CACHE", "dispatch");
  const now = Math.floor(Date.now() / 1000);
  // In the Pulumi provider's order: data and code, then the catalog row, then the cache purge.
  // Deploys run together: a new API's creator process takes a while to start (~0.6 s).
  await Promise.all(built.map((api) => deployToLocalNamespace(namespace, api)));
  for (const [index, api] of built.entries()) {
    const loaded = apis[index]!;
    await runStatements(
      db,
      registerApiStatements(api, payments.payToFor(loaded), now, payments.splitFor(loaded)),
    );
    await cache.delete(apiCacheKey(api.slug));
  }
  await retireMissing(
    mf,
    namespace,
    built.map((api) => api.slug),
    now,
  );
  return built;
}

/** Puts a built API's data and worker into its creator process, like the Cloudflare upload. */
export async function deployToLocalNamespace(namespace: CreatorSupervisor, api: BuiltApi): Promise<void> {
  // Same order as the Pulumi provider: data first, so a live worker never points at missing data.
  try {
    await namespace.deploy(api.workerName, localScriptOf(api), api.data);
  } catch (error) {
    throw new Error(`uploading ${api.slug} to the local namespace failed: ${String(error)}`);
  }
}

/** What the local namespace stores for a built API (the Cloudflare upload's metadata, locally). */
export function localScriptOf(api: BuiltApi): LocalScript {
  return {
    mainModule: api.mainModule,
    modules: api.modules,
    compatibilityDate: api.compatibilityDate,
    compatibilityFlags: api.compatibilityFlags,
    vars: api.vars,
    dataBinding: Boolean(api.data),
    contentHash: api.contentHash,
  };
}

/** APIs registered earlier whose folder is gone are retired (history kept), as `pulumi up` would. */
async function retireMissing(
  mf: Miniflare,
  namespace: CreatorSupervisor,
  liveSlugs: readonly string[],
  now: number,
): Promise<void> {
  const db = await mf.getD1Database("DB", "dispatch");
  const cache = await mf.getKVNamespace("CACHE", "dispatch");
  const { results } = await db.prepare("SELECT slug, worker_name FROM apis WHERE status = 'active'").all();
  for (const row of results as Array<{ slug: string; worker_name: string }>) {
    if (liveSlugs.includes(row.slug)) continue;
    await namespace.remove(row.worker_name);
    await runStatements(db, [retireApiStatement(row.slug, now)]);
    await cache.delete(apiCacheKey(row.slug));
  }
}

type D1Like = Awaited<ReturnType<Miniflare["getD1Database"]>>;

async function runStatements(db: D1Like, statements: readonly SqlStatement[]): Promise<void> {
  await db.batch(statements.map((statement) => db.prepare(statement.sql).bind(...statement.params)));
}
