import type { Miniflare } from "miniflare";
import type { BuiltApi } from "../core/build/types.ts";
import type { ManifestError } from "../core/errors.ts";
import { type LoadedApi, loadStackApis } from "../core/manifest/load.ts";
import { applyMigrations } from "../core/migrations/apply-migrations.ts";
import { d1BindingRunner } from "../core/migrations/d1-binding-runner.ts";
import { readMigrations } from "../core/migrations/read-migrations.ts";
import { type DevFile, writeDevFile } from "./dev-file.ts";
import { FIXTURE_HOST, type FixtureUpstream, startFixtureUpstream } from "./fixture-upstream.ts";
import { gatewayUrl, startWorkerd } from "./miniflare.ts";
import { localDir, REPO_ROOT } from "./paths.ts";
import { bundlePlatformWorkers } from "./platform-workers.ts";
import { publishApis } from "./publish.ts";

export const DEFAULT_PORT = 8787;

export interface LocalStackOptions {
  root?: string;
  stack?: string;
  port?: number;
  /** Keep D1/KV/R2/DO state in .local/state (default) or in memory (tests). */
  persist?: boolean;
  /** Where .local/ lives (tests point this at a temp folder). */
  localDir?: string;
  egressPerMinute?: number;
  /** How long a creator worker may take before the gateway answers 502. */
  creatorTimeoutMs?: number;
}

export interface LocalStack {
  url: string;
  mf: Miniflare;
  apis: BuiltApi[];
  devFilePath: string;
  devFile: DevFile;
  /** Re-reads the stack's manifests and republishes every API (watch mode). */
  reload(): Promise<BuiltApi[]>;
  stop(): Promise<void>;
}

/** A validation failure of one or more manifests, all reported at once. */
export class StackInvalidError extends Error {
  constructor(readonly errors: readonly Error[]) {
    super(
      `the stack has ${errors.length} invalid API${errors.length === 1 ? "" : "s"}:\n${errors.map((e) => `  ${e.message}`).join("\n")}`,
    );
    this.name = "StackInvalidError";
  }
}

/** Starts the whole marketplace on this machine; everything it starts, `stop()` stops. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const root = options.root ?? REPO_ROOT;
  const stack = options.stack ?? "dev";
  const dir = options.localDir ?? localDir(root);
  const loaded = loadValidApis(root, stack);
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    stoppers.length = 0;
  };
  try {
    const [bundles, fixture] = await Promise.all([bundlePlatformWorkers(), startFixtureUpstream()]);
    stoppers.push(() => fixture.stop());
    const mf = await startWorkerd({
      bundles,
      port: options.port ?? DEFAULT_PORT,
      ...(options.persist === false ? {} : { persistDir: `${dir}/state` }),
      dispatchVars: {
        ENVIRONMENT: "local",
        MAX_BODY_BYTES: String(1024 * 1024),
        CREATOR_TIMEOUT_MS: String(options.creatorTimeoutMs ?? 10_000),
      },
      resolveOverrides: overridesFor(fixture),
      egressPerMinute: options.egressPerMinute ?? 600,
    });
    stoppers.push(() => mf.dispose());
    await applyMigrations(
      d1BindingRunner(await mf.getD1Database("DB", "dispatch")),
      readMigrations(`${REPO_ROOT}/runtime/migrations`),
    );
    const url = await gatewayUrl(mf);
    const payToFor = (api: LoadedApi) => api.manifest.owner;
    const publish = async (apis: readonly LoadedApi[]) => {
      const built = await publishApis(mf, apis, payToFor);
      const devFile = devFileFor(url, stack, built, payToFor, apis);
      writeDevFile(`${dir}/dev.json`, devFile);
      return { built, devFile };
    };
    let state = await publish(loaded);
    const localStack: LocalStack = {
      url,
      mf,
      get apis() {
        return state.built;
      },
      devFilePath: `${dir}/dev.json`,
      get devFile() {
        return state.devFile;
      },
      async reload() {
        state = await publish(loadValidApis(root, stack));
        return state.built;
      },
      stop: stopAll,
    };
    return localStack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function loadValidApis(root: string, stack: string): LoadedApi[] {
  const { apis, errors } = loadStackApis(root, stack);
  if (errors.length) throw new StackInvalidError(errors as ManifestError[]);
  return apis;
}

function overridesFor(fixture: FixtureUpstream): Record<string, string> {
  return { [FIXTURE_HOST]: fixture.url };
}

function devFileFor(
  url: string,
  stack: string,
  built: readonly BuiltApi[],
  payToFor: (api: LoadedApi) => string,
  loaded: readonly LoadedApi[],
): DevFile {
  return {
    gateway: url,
    stack,
    apis: built.map((api, index) => ({
      slug: api.slug,
      kind: api.kind,
      price: api.manifest.price,
      title: api.manifest.title,
      url: `${url}/${api.slug}`,
      payTo: payToFor(loaded[index]!),
      owner: api.manifest.owner,
    })),
  };
}
