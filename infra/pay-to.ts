import { ManifestError } from "../core/errors.ts";
import type { LoadedApi } from "../core/manifest/load.ts";
import { creatorShareBps, resolveSplitTerms, SplitTermsError } from "../splits/split-terms.ts";
import { LOCAL_NETWORK, type PlatformConfig, wellKnownDevAccount } from "./config.ts";
import { SPLITTER_KIND, type SplitPredictor } from "./split-predictor.ts";

/** An API's payTo and the split behind it, as the CreatorApi resource records them. */
export interface ApiPayTo {
  /** The predicted split address (or the offline plan's placeholder). */
  payTo: string;
  splitter: typeof SPLITTER_KIND;
  platformWallet: string;
  platformFeeBps: number;
  creatorShareBps: number;
}

/**
 * The address an API's payments go to: its own 0xSplits split between the creator (the manifest's
 * owner) and the platform wallet, at the API's fee (its `platformFeeBps` within the stack's bounds,
 * or the stack fee). Funds sent to the predicted address are safe before the split exists.
 */
export async function payToFor(
  api: LoadedApi,
  config: PlatformConfig,
  predictor: SplitPredictor,
): Promise<ApiPayTo> {
  const terms = splitTermsFor(api, config);
  return {
    payTo: await predictor.predict(terms),
    splitter: SPLITTER_KIND,
    platformWallet: terms.platform,
    platformFeeBps: terms.platformFeeBps,
    creatorShareBps: creatorShareBps(terms),
  };
}

/**
 * Networks whose money is worthless, where a creator may still own an API with one of anvil's
 * accounts (the dev stack's examples do): the local chain, Base Sepolia and Ethereum Sepolia.
 * The platform wallet gets no such leniency (config.ts refuses it everywhere but the local chain).
 */
export const TEST_NETWORKS = [LOCAL_NETWORK, "eip155:84532", "eip155:11155111"];

// Terms problems are reported against the file a creator edits (or the stack setting at fault).
function splitTermsFor(api: LoadedApi, config: PlatformConfig) {
  const { manifest, file } = api;
  const devIndex = wellKnownDevAccount(manifest.owner);
  if (devIndex !== undefined && !TEST_NETWORKS.includes(config.network)) {
    throw new ManifestError(
      file,
      "owner",
      `${manifest.owner} is anvil's well-known development account #${devIndex}: its private key is public, so anyone could withdraw this API's earnings on ${config.network}`,
      "set the creator's own wallet",
    );
  }
  try {
    return resolveSplitTerms({
      apiSlug: manifest.slug,
      creator: manifest.owner,
      platformWallet: config.platformWallet,
      platformFeeBps: config.platformFeeBps,
      overrideBps: manifest.platformFeeBps,
      minBps: config.platformFeeBpsMin,
      maxBps: config.platformFeeBpsMax,
    });
  } catch (error) {
    if (!(error instanceof SplitTermsError)) throw error;
    if (error.field === "overrideBps") {
      throw new ManifestError(
        file,
        "platformFeeBps",
        `${manifest.platformFeeBps} bps is outside this stack's bounds [${config.platformFeeBpsMin}, ${config.platformFeeBpsMax}] (402claw:platformFeeBpsMin/Max)`,
        `pick a fee from ${config.platformFeeBpsMin} to ${config.platformFeeBpsMax} bps, or remove platformFeeBps to pay the stack fee (${config.platformFeeBps})`,
      );
    }
    if (error.field === "creator") {
      throw new ManifestError(file, "owner", error.problem, error.fix);
    }
    throw error; // stack settings were validated at start; anything else is a bug worth its own words
  }
}
