import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { parse } from "yaml";
import { DEV_ACCOUNTS, devAccount, ROLES } from "../chain/accounts.ts";
import type { RunningLocalChain } from "../chain/start-local-chain.ts";
import type { SplitRecord } from "../core/catalog/api-row.ts";
import type { LoadedApi } from "../core/manifest/load.ts";
import { createLocalPaymentSplitter } from "../splits/local-payment-splitter.ts";
import { ensureLocalSplitFactory } from "../splits/local-split-factory.ts";
import type { RevenueSplitter } from "../splits/revenue-splitter.ts";
import { resolveSplitTerms, type SplitTerms } from "../splits/split-terms.ts";

/** Anvil's development account #9 stands in for the platform's wallet on the local chain. */
export const LOCAL_PLATFORM_WALLET = devAccount(9);
const DEFAULT_FEE_BPS = 1000;

/** The platform fee settings of a stack (from Pulumi.<stack>.yaml, as `pulumi up` would use them). */
export interface FeeSettings {
  platformFeeBps: number;
  minBps: number;
  maxBps: number;
}

/** Reads `402claw:platformFeeBps` (and its bounds) from the project's Pulumi.<stack>.yaml. */
export function readFeeSettings(root: string, stack: string): FeeSettings {
  const file = join(root, `Pulumi.${stack}.yaml`);
  const config = existsSync(file)
    ? ((parse(readFileSync(file, "utf8"))?.config ?? {}) as Record<string, unknown>)
    : {};
  const number = (key: string) =>
    config[`402claw:${key}`] === undefined ? undefined : Number(config[`402claw:${key}`]);
  const platformFeeBps = number("platformFeeBps") ?? DEFAULT_FEE_BPS;
  return {
    platformFeeBps,
    minBps: number("platformFeeBpsMin") ?? platformFeeBps, // without explicit bounds no API may deviate from the stack fee
    maxBps: number("platformFeeBpsMax") ?? platformFeeBps,
  };
}

/** Every API's split on the local chain: its terms and predicted address (the API's payTo). */
export interface LocalSplits {
  splitter: RevenueSplitter;
  factory: string;
  fees: FeeSettings;
  termsFor(api: LoadedApi): SplitTerms;
  payToFor(api: LoadedApi): Promise<string>;
  recordFor(api: LoadedApi): SplitRecord;
}

/** Deploys the local split factory (once) and prepares per-API split terms and addresses. */
export async function prepareLocalSplits(
  chain: RunningLocalChain,
  fees: FeeSettings,
  cacheDir: string,
): Promise<LocalSplits> {
  const factory = await ensureLocalSplitFactory({ rpcUrl: chain.rpcUrl, chainId: chain.chainId, cacheDir });
  const splitter = createLocalPaymentSplitter({
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    factory,
    defaultSender: privateKeyToAccount(ROLES.deployer.privateKey),
  });
  const termsFor = (api: LoadedApi) =>
    resolveSplitTerms({
      apiSlug: api.manifest.slug,
      creator: api.manifest.owner,
      platformWallet: LOCAL_PLATFORM_WALLET.address,
      platformFeeBps: fees.platformFeeBps,
      overrideBps: api.manifest.platformFeeBps,
      minBps: fees.minBps,
      maxBps: fees.maxBps,
    });
  return {
    splitter,
    factory: factory.address,
    fees,
    termsFor,
    payToFor: (api) => splitter.predictAddress(termsFor(api)),
    recordFor: (api) => ({ platformFeeBps: termsFor(api).platformFeeBps, kind: "local-payment-splitter" }),
  };
}

/** Creators whose keys the local stack knows (anvil's development accounts), for stats and withdraw. */
export function knownCreators(apis: readonly LoadedApi[]): Array<{ address: string; privateKey: string }> {
  const owners = new Set(apis.map((api) => api.manifest.owner.toLowerCase()));
  return DEV_ACCOUNTS.filter((account) => owners.has(account.address.toLowerCase())).map(
    ({ address, privateKey }) => ({
      address,
      privateKey,
    }),
  );
}
