import type { Miniflare } from "miniflare";
import { BINDINGS } from "../core/bindings.ts";
import { buildApi } from "../core/build/build-api.ts";
import { PYTHON_MAIN_MODULE, pythonModuleName } from "../core/build/build-python.ts";
import { type ApiFailure, apiOfFile, failureOf } from "../core/build/build-stack.ts";
import type { BuiltApi } from "../core/build/types.ts";
import {
  registerApiStatements,
  retireApiStatement,
  type SplitRecord,
  type SqlStatement,
} from "../core/catalog/api-row.ts";
import { readLocalSecrets } from "../core/manifest/dev-vars.ts";
import { type LoadedApi, loadStackApis } from "../core/manifest/load.ts";
import type { DispatchOptions, LocalScript } from "../runtime/local-namespace/protocol.ts";
import { apiCacheKey } from "../runtime/shared/cache-keys.ts";
import type { CreatorSupervisor } from "./creator-supervisor.ts";

/** An API that is live after a publish, with what it was built from and where it is paid. */
export interface PublishedApi {
  loaded: LoadedApi;
  built: BuiltApi;
  payTo: string;
}

/** What a publish did: the APIs now live, and every API that failed, named with the reason. */
export interface PublishOutcome {
  published: PublishedApi[];
  failures: ApiFailure[];
}

export interface PublishPayments {
  payToFor: (api: LoadedApi) => string | Promise<string>;
  splitFor: (api: LoadedApi) => SplitRecord;
}

/**
 * Loads every API of the stack and publishes each one that loads; an invalid manifest, a bad data
 * file or a failing deploy is reported for that API alone and never stops the others.
 */
export async function publishStack(
  mf: Miniflare,
  namespace: CreatorSupervisor,
  root: string,
  stack: string,
  payments: PublishPayments,
): Promise<PublishOutcome> {
  const { apis, errors } = loadStackApis(root, stack);
  const failures = errors.map((error) => failureOf(apiOfFile(error.file), error));
  const outcome = await publishApis(mf, namespace, apis, payments, failures);
  return { published: outcome.published, failures: [...failures, ...outcome.failures] };
}

/**
 * Builds each API with the shared builder and deploys it to its creator process, D1 and KV. An API that fails keeps its last good deployment, as a failed `pulumi up` of
 * one resource would; `earlierFailures` (e.g. invalid manifests) are kept the same way.
 */
export async function publishApis(
  mf: Miniflare,
  namespace: CreatorSupervisor,
  apis: readonly LoadedApi[],
  payments: PublishPayments,
  earlierFailures: readonly ApiFailure[] = [],
): Promise<PublishOutcome> {
  const db = await mf.getD1Database(BINDINGS.db, "dispatch");
  const cache = await mf.getKVNamespace(BINDINGS.cache, "dispatch");
  const now = Math.floor(Date.now() / 1000);
  const published: PublishedApi[] = [];
  const failures: ApiFailure[] = [];
  // Builds run one at a time (bounded memory); each deploy starts as soon as its build is done,
  // so new APIs' creator processes (~0.6 s to start) come up while the next API builds.
  const deploys: Promise<void>[] = [];
  for (const loaded of apis) {
    try {
      const built = await buildApi(loaded);
      // Locally, secret values come from the folder's .dev.vars; a missing one fails this API alone.
      const secrets = readLocalSecrets(loaded);
      const payTo = await payments.payToFor(loaded);
      const statements = registerApiStatements(built, payTo, now, payments.splitFor(loaded));
      deploys.push(
        (async () => {
          // In the Pulumi provider's order: data and code, then the catalog row, then the cache purge.
          await deployToLocalNamespace(namespace, built, secrets);
          await runStatements(db, statements);
          await cache.delete(apiCacheKey(built.slug));
          published.push({ loaded, built, payTo });
        })().catch((error: unknown) => {
          failures.push(failureOf(loaded.manifest.slug, error, loaded.file));
        }),
      );
    } catch (error) {
      failures.push(failureOf(loaded.manifest.slug, error, loaded.file));
    }
  }
  await Promise.all(deploys);
  published.sort((a, b) => apis.indexOf(a.loaded) - apis.indexOf(b.loaded));
  const kept = [...earlierFailures, ...failures].map((failure) => failure.api);
  await retireMissing(mf, namespace, [...published.map((api) => api.built.slug), ...kept], now);
  return { published, failures };
}

/** Puts a built API's data and worker into its creator process, like the Cloudflare upload. */
export async function deployToLocalNamespace(
  namespace: CreatorSupervisor,
  api: BuiltApi,
  secrets: Record<string, string> = {},
): Promise<void> {
  // Same order as the Pulumi provider: data first, so a live worker never points at missing data.
  try {
    await namespace.deploy(api.workerName, localScriptOf(api, secrets), api.data, dispatchOptionsOf(api));
  } catch (error) {
    throw new Error(`uploading ${api.slug} to the local namespace failed: ${String(error)}`);
  }
}

/**
 * The dispatch options the gateway passes for this API (runtime/dispatch/forward.ts): a Python
 * worker is warmed with them, and its loaded isolate keeps the first ones it was given.
 */
export function dispatchOptionsOf(api: BuiltApi): DispatchOptions {
  const { manifest } = api;
  return {
    outbound: { slug: api.slug, owner: manifest.owner, egress: (manifest.egress ?? []).join(",") },
    ...(manifest.limits?.cpuMs ? { limits: { cpuMs: manifest.limits.cpuMs } } : {}),
  };
}

/** What the local namespace stores for a built API (the Cloudflare upload's metadata, locally). */
export function localScriptOf(api: BuiltApi, secrets: Record<string, string> = {}): LocalScript {
  return {
    ...(Object.keys(secrets).length ? { secrets } : {}),
    ...(api.mainModule === PYTHON_MAIN_MODULE
      ? { python: { module: pythonModuleName(api.manifest.source) } }
      : {}),
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
  const db = await mf.getD1Database(BINDINGS.db, "dispatch");
  const cache = await mf.getKVNamespace(BINDINGS.cache, "dispatch");
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
