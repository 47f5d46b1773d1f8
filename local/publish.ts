import type { Miniflare } from "miniflare";
import { BINDINGS } from "../core/bindings.ts";
import { buildApi } from "../core/build/build-api.ts";
import type { BuiltApi } from "../core/build/types.ts";
import {
  registerApiStatements,
  retireApiStatement,
  type SplitRecord,
  type SqlStatement,
} from "../core/catalog/api-row.ts";
import type { LoadedApi } from "../core/manifest/load.ts";
import type { LocalScript } from "../runtime/local-namespace/rpc.ts";
import { apiCacheKey } from "../runtime/shared/cache-keys.ts";

/** Builds every API with the shared builder and deploys it to the local namespace, R2, D1 and KV. */
export async function publishApis(
  mf: Miniflare,
  apis: readonly LoadedApi[],
  payments: { payToFor: (api: LoadedApi) => string; splitFor: (api: LoadedApi) => SplitRecord },
): Promise<BuiltApi[]> {
  const built = await Promise.all(apis.map((api) => buildApi(api)));
  const db = await mf.getD1Database(BINDINGS.db, "dispatch");
  const cache = await mf.getKVNamespace(BINDINGS.cache, "dispatch");
  const now = Math.floor(Date.now() / 1000);
  for (const [index, api] of built.entries()) {
    // In the Pulumi provider's order: data and code, then the catalog row, then the cache purge.
    await deployToLocalNamespace(mf, api);
    const loaded = apis[index]!;
    await runStatements(
      db,
      registerApiStatements(api, payments.payToFor(loaded), now, payments.splitFor(loaded)),
    );
    await cache.delete(apiCacheKey(api.slug));
  }
  await retireMissing(
    mf,
    built.map((api) => api.slug),
    now,
  );
  return built;
}

/** Puts a built API's data in R2 and its worker in the local namespace, like the Cloudflare upload. */
export async function deployToLocalNamespace(mf: Miniflare, api: BuiltApi): Promise<void> {
  // Same order as the Pulumi provider: data first, so a live worker never points at missing data.
  if (api.data) {
    const bucket = await mf.getR2Bucket(BINDINGS.data, "namespace");
    await bucket.put(api.data.key, api.data.body, { httpMetadata: { contentType: api.data.contentType } });
  }
  const script: LocalScript = {
    mainModule: api.mainModule,
    modules: api.modules,
    compatibilityDate: api.compatibilityDate,
    compatibilityFlags: api.compatibilityFlags,
    vars: api.vars,
    dataBinding: Boolean(api.data),
    contentHash: api.contentHash,
  };
  const namespace = await mf.getWorker("namespace");
  const upload = await namespace.fetch(`http://namespace/scripts/${api.workerName}`, {
    method: "PUT",
    body: JSON.stringify(script),
  });
  if (!upload.ok)
    throw new Error(`uploading ${api.slug} to the local namespace failed: ${await upload.text()}`);
}

/** APIs registered earlier whose folder is gone are retired (history kept), as `pulumi up` would. */
async function retireMissing(mf: Miniflare, liveSlugs: readonly string[], now: number): Promise<void> {
  const db = await mf.getD1Database(BINDINGS.db, "dispatch");
  const cache = await mf.getKVNamespace(BINDINGS.cache, "dispatch");
  const namespace = await mf.getWorker("namespace");
  const { results } = await db.prepare("SELECT slug, worker_name FROM apis WHERE status = 'active'").all();
  for (const row of results as Array<{ slug: string; worker_name: string }>) {
    if (liveSlugs.includes(row.slug)) continue;
    await namespace.fetch(`http://namespace/scripts/${row.worker_name}`, { method: "DELETE" });
    await runStatements(db, [retireApiStatement(row.slug, now)]);
    await cache.delete(apiCacheKey(row.slug));
  }
}

type D1Like = Awaited<ReturnType<Miniflare["getD1Database"]>>;

async function runStatements(db: D1Like, statements: readonly SqlStatement[]): Promise<void> {
  await db.batch(statements.map((statement) => db.prepare(statement.sql).bind(...statement.params)));
}
