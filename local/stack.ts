import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import type { Miniflare } from "miniflare";
import { blockTimeFromEnv } from "../chain/anvil.ts";
import { startOnPort } from "../chain/free-port.ts";
import { type RunningLocalChain, startLocalChain } from "../chain/start-local-chain.ts";
import { BINDINGS } from "../core/bindings.ts";
import type { ApiFailure } from "../core/build/build-stack.ts";
import type { BuiltApi } from "../core/build/types.ts";
import { DEFAULT_CREATOR_CPU_MS } from "../core/creator-limits.ts";
import { DEFAULT_GATEWAY_CRON_EVERY_MS } from "../core/gateway-cron.ts";
import { applyMigrations } from "../core/migrations/apply-migrations.ts";
import { d1BindingRunner } from "../core/migrations/d1-binding-runner.ts";
import { readMigrations } from "../core/migrations/read-migrations.ts";
import { startFacilitator } from "../facilitator/server.ts";
import {
  type CreatorSupervisorProcess,
  type RevivalOptions,
  startCreatorSupervisorProcess,
} from "./creator-supervisor-process.ts";
import { type DevFile, writeDevFile } from "./dev-file.ts";
import { FIXTURE_HOST, type FixtureUpstream, startFixtureUpstream } from "./fixture-upstream.ts";
import { forgetStackProcesses, recordStackProcesses, stopLeftoverProcesses } from "./leftover-processes.ts";
import { startLocalCron } from "./local-cron.ts";
import { knownCreators, LOCAL_PLATFORM_WALLET, prepareLocalSplits, readFeeSettings } from "./local-splits.ts";
import { gatewayUrl, startWorkerd } from "./miniflare.ts";
import { localDir, REPO_ROOT } from "./paths.ts";
import { bundlePlatformWorkers } from "./platform-workers.ts";
import { childListeningOn } from "./process-cpu.ts";
import { type PublishedApi, publishStack } from "./publish.ts";

export const DEFAULT_PORT = 8787;
export const DEFAULT_CHAIN_PORT = 8545;
export const DEFAULT_FACILITATOR_PORT = 4020;

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
  /** CPU ms per call for APIs whose manifest sets no `limits.cpuMs` (the platform default). */
  creatorCpuMs?: number;
  /** anvil's port (default 8545, 0 = any free port). */
  chainPort?: number;
  /** The facilitator's port (default 4020, 0 = any free port). */
  facilitatorPort?: number;
  /** Seconds between local chain blocks (default: env CHAIN_BLOCK_TIME, else mine at once). */
  blockTimeSeconds?: number;
  /**
   * How often the gateway's scheduled handler runs (reconciliation, claims across payers), as
   * production's cron does (default every 5 minutes); 0 = never (tests run it when they mean to).
   */
  cronEveryMs?: number;
  /** How the creator supervisor's process is started again if it dies (tests lengthen the wait). */
  supervisorRevival?: RevivalOptions;
  /** Extra plain-text settings for the dispatch worker (tests). */
  dispatchVars?: Record<string, string>;
  /** More hostname → loopback origin mappings for allowed test hosts (tests). */
  extraResolveOverrides?: Record<string, string>;
}

export interface LocalStack {
  url: string;
  mf: Miniflare;
  chain: RunningLocalChain;
  facilitatorUrl: string;
  /** Stops only the facilitator (fault-injection tests); `stop()` still stops everything else. */
  stopFacilitator(): Promise<void>;
  apis: BuiltApi[];
  /** The local dispatch namespace: supervised creator processes. */
  creators: CreatorSupervisorProcess;
  /** APIs of the stack that are not live after the last (re)publish, each with the reason. */
  failures: ApiFailure[];
  devFilePath: string;
  devFile: DevFile;
  /** Re-reads the stack's manifests and republishes every API that builds (watch mode); see `failures`. */
  reload(): Promise<BuiltApi[]>;
  stop(): Promise<void>;
}

/** Starts the whole marketplace on this machine; everything it starts, `stop()` stops. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const root = options.root ?? REPO_ROOT;
  const stack = options.stack ?? "dev";
  const dir = options.localDir ?? localDir(root);
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    stoppers.length = 0;
  };
  // What a killed earlier start left running on this project's ports is stopped first.
  const processFile = `${dir}/processes.json`;
  const leftovers = await stopLeftoverProcesses(processFile);
  if (leftovers.length)
    console.warn(
      `402claw: stopped what an earlier start that was killed left running: ${leftovers.join(", ")}`,
    );
  try {
    const persist = options.persist !== false;
    const chain = await startOnPort(options.chainPort ?? DEFAULT_CHAIN_PORT, (port) =>
      startLocalChain({
        port,
        cacheDir: `${dir}/artifacts`,
        ...(persist
          ? { stateFile: `${dir}/chain/anvil-state.json`, recordFile: `${dir}/chain/deployment.json` }
          : {}),
        logFile: `${dir}/chain/anvil.log`,
        blockTimeSeconds: options.blockTimeSeconds ?? blockTimeFromEnv(),
      }),
    );
    stoppers.push(
      async () => forgetStackProcesses(processFile),
      () => chain.stop(),
    );
    recordStackProcesses(processFile, [{ role: "anvil", pid: chain.anvil.pid }]);
    if (persist && chain.deployedNow && existsSync(`${dir}/state`)) {
      // The chain was rebuilt (its state file was lost): a ledger pointing at old transactions
      // would disagree with it, so the local ledger starts over with the chain.
      rmSync(`${dir}/state`, { recursive: true, force: true });
      console.warn("402claw: local chain was rebuilt; local ledger state was reset to match it");
    }
    const facilitator = await startOnPort(options.facilitatorPort ?? DEFAULT_FACILITATOR_PORT, (port) =>
      startFacilitator({
        port,
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
        privateKey: chain.facilitator.privateKey,
        // anvil mines each transaction at once: poll for receipts far more often than a real chain needs.
        pollingIntervalMs: 20,
      }),
    );
    const splits = await prepareLocalSplits(chain, readFeeSettings(root, stack), `${dir}/artifacts`);
    let facilitatorRunning = true;
    const stopFacilitator = async () => {
      if (!facilitatorRunning) return;
      facilitatorRunning = false;
      await facilitator.stop();
    };
    stoppers.push(stopFacilitator);
    // A fresh admin token per start: only this machine's tools (reading .local/dev.json) can use /admin.
    const adminToken = randomBytes(24).toString("hex");
    const [bundles, fixture] = await Promise.all([bundlePlatformWorkers(), startFixtureUpstream()]);
    stoppers.push(() => fixture.stop());
    const creatorCpuMs = options.creatorCpuMs ?? DEFAULT_CREATOR_CPU_MS;
    const creators = await startCreatorSupervisorProcess(
      {
        bundles,
        ...(persist ? { stateDir: `${dir}/state/creators` } : {}),
        resolveOverrides: { ...overridesFor(fixture), ...options.extraResolveOverrides },
        egressPerMinute: options.egressPerMinute ?? 600,
        defaultCpuMs: creatorCpuMs,
      },
      options.supervisorRevival,
    );
    stoppers.push(() => creators.stop());
    // The gateway's port is fixed before workerd starts: its public origin is a setting.
    const mf = await startOnPort(options.port ?? DEFAULT_PORT, (port) =>
      startWorkerd({
        bundles,
        port,
        ...(persist ? { persistDir: `${dir}/state` } : {}),
        dispatchVars: {
          ENVIRONMENT: "local",
          PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
          CREATOR_CPU_MS: String(creatorCpuMs),
          MAX_BODY_BYTES: String(1024 * 1024),
          CREATOR_TIMEOUT_MS: String(options.creatorTimeoutMs ?? 10_000),
          X402_NETWORK: chain.network,
          X402_ASSET: chain.asset,
          X402_ASSET_NAME: chain.tokenName,
          X402_ASSET_VERSION: chain.tokenVersion,
          FACILITATOR_URL: facilitator.url,
          FACILITATOR_TIMEOUT_MS: "5000",
          RPC_URL: chain.rpcUrl,
          ADMIN_TOKEN: adminToken,
          AUTH_SECRET: randomBytes(32).toString("hex"),
          PLATFORM_WALLET: LOCAL_PLATFORM_WALLET.address,
          // The dashboard creates a never-used split through it, as `402claw withdraw` does.
          SPLIT_FACTORY: splits.factory,
          // batch-settlement: the local receiver-authorizer key (a platform secret in production).
          RECEIVER_AUTHORIZER_KEY: chain.batchSettlement.receiverAuthorizer.privateKey,
          BATCH_WITHDRAW_DELAY_SECONDS: String(chain.batchSettlement.withdrawDelay),
          BATCH_SETTLE_INTERVAL_SECONDS: "30",
          ...options.dispatchVars,
        },
        namespaceAddress: creators.address,
      }),
    );
    stoppers.push(() => mf.dispose());
    await applyMigrations(
      d1BindingRunner(await mf.getD1Database(BINDINGS.db, "dispatch")),
      readMigrations(`${REPO_ROOT}/runtime/migrations`),
    );
    const url = await gatewayUrl(mf);
    recordStackProcesses(processFile, [
      { role: "anvil", pid: chain.anvil.pid },
      { role: "gateway workerd", pid: childListeningOn(Number(new URL(url).port)) },
    ]);
    const publish = async () => {
      // Each API is paid to its own split (creator share + platform fee), predicted before it exists.
      // One bad API is reported in `failures` and never keeps the others from being published.
      const { published, failures } = await publishStack(mf, creators, root, stack, {
        payToFor: splits.payToFor,
        splitFor: splits.recordFor,
      });
      const built = published.map((api) => api.built);
      const devFile = {
        ...devFileFor(url, stack, published),
        ...chainFields(chain, facilitator.url),
        admin: { token: adminToken },
        platform: {
          wallet: LOCAL_PLATFORM_WALLET.address,
          ...splits.fees,
          splitter: splits.splitter.kind,
          splitFactory: splits.factory,
        },
        creators: knownCreators(published.map((api) => api.loaded)),
      };
      writeDevFile(`${dir}/dev.json`, devFile);
      return { built, failures, devFile };
    };
    let state = await publish();
    // Once the database and the APIs are in place, as production's cron only ever sees them.
    const cronEveryMs = options.cronEveryMs ?? DEFAULT_GATEWAY_CRON_EVERY_MS;
    if (cronEveryMs > 0) {
      const cron = startLocalCron(mf, cronEveryMs);
      stoppers.push(() => cron.stop());
    }
    const localStack: LocalStack = {
      url,
      mf,
      creators,
      chain,
      facilitatorUrl: facilitator.url,
      stopFacilitator,
      get apis() {
        return state.built;
      },
      get failures() {
        return state.failures;
      },
      devFilePath: `${dir}/dev.json`,
      get devFile() {
        return state.devFile;
      },
      async reload() {
        state = await publish();
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

/** What any standard x402 client needs to pay the local marketplace. */
function chainFields(chain: RunningLocalChain, facilitatorUrl: string) {
  return {
    rpc: chain.rpcUrl,
    chainId: chain.chainId,
    network: chain.network,
    asset: chain.asset,
    assetName: chain.tokenName,
    assetVersion: chain.tokenVersion,
    facilitator: facilitatorUrl,
    payer: { address: chain.payer.address, privateKey: chain.payer.privateKey },
  };
}

function overridesFor(fixture: FixtureUpstream): Record<string, string> {
  return { [FIXTURE_HOST]: fixture.url };
}

function devFileFor(url: string, stack: string, published: readonly PublishedApi[]): DevFile {
  return {
    gateway: url,
    stack,
    apis: published.map(({ built: api, payTo }) => ({
      slug: api.slug,
      kind: api.kind,
      price: api.manifest.price,
      title: api.manifest.title,
      url: `${url}/${api.slug}`,
      payTo,
      owner: api.manifest.owner,
    })),
  };
}
