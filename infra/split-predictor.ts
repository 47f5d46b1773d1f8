// Where each API's payTo comes from: the address of its 0xSplits split, which exists only as a
// prediction until someone creates it (`402claw withdraw` does so lazily). Predicting needs ONE
// eth_call to the 0xSplits v2 factory, so the predictor is injectable: the program uses the real
// one, tests a fake, and the offline `402claw plan` one that says it did not predict.

import { SPLITS_V2_SUPPORTED_CHAIN_IDS } from "@0xsplits/splits-sdk/constants";
import { type Chain, createPublicClient, defineChain, http, type Transport } from "viem";
import * as viemChains from "viem/chains";
import { ConfigError } from "../core/errors.ts";
import type { SplitTerms } from "../splits/split-terms.ts";
import { createZeroXSplitsSplitter } from "../splits/zero-x-splits.ts";

/** The contract every payTo is: recorded on each CreatorApi so a change of splitter shows in a preview. */
export const SPLITTER_KIND = "0xsplits-v2";

/** Predicts the split address of an API's terms. */
export interface SplitPredictor {
  /** Completes "address …" in the plan: how the addresses were obtained. */
  readonly source: string;
  /** The split's address, or a placeholder that is not an address when the predictor cannot know it. */
  predict(terms: SplitTerms): Promise<string>;
}

/** What the offline plan shows instead of an address: the terms are printed next to it. */
export const OFFLINE_PAY_TO = "<0xSplits split, predicted at deploy>";

/**
 * For `402claw plan` without `--predict`: no network, so no address. The CreatorApi provider refuses
 * a payTo that is not an address, so this placeholder can never reach a real deployment.
 */
export function offlineSplitPredictor(): SplitPredictor {
  return {
    source: "not predicted (offline; `402claw plan --predict` asks 402claw:rpcUrl)",
    predict: async () => OFFLINE_PAY_TO,
  };
}

export interface ZeroXSplitsPredictorOptions {
  /** CAIP-2 network of the stack (`402claw:network`). */
  network: string;
  /** `402claw:rpcUrl`; must serve that network. */
  rpcUrl: string;
  /** Tests only: a scripted transport instead of `http(rpcUrl)`. */
  transport?: Transport;
}

/**
 * The production predictor: the 0xSplits v2 factory's `predictDeterministicAddress` through
 * `402claw:rpcUrl`. Before the first prediction it checks that the endpoint serves the stack's
 * network, because the gateway reconciles payments through the same URL.
 */
export function zeroXSplitsPredictor(options: ZeroXSplitsPredictorOptions): SplitPredictor {
  // Built on first use: the program validates 402claw:network and rpcUrl before predicting, so a
  // bad value is reported by the config check with its key, not by viem.
  let ready: Promise<SplitPredictor["predict"]> | undefined;
  async function setup(): Promise<SplitPredictor["predict"]> {
    const chain = splitsChain(options.network);
    // Batched: a stack with many APIs makes one HTTP request, not one per API (public RPCs rate-limit).
    const transport = options.transport ?? http(options.rpcUrl, { batch: true, retryCount: 3 });
    let served: number;
    try {
      served = await createPublicClient({ chain, transport }).getChainId();
    } catch (error) {
      throw new ConfigError(
        "402claw:rpcUrl",
        `${redact(options.rpcUrl)} did not answer eth_chainId (${firstLine(error)})`,
        "point it at a reachable JSON-RPC endpoint of the stack's network",
      );
    }
    if (served !== chain.id) {
      throw new ConfigError(
        "402claw:rpcUrl",
        `${redact(options.rpcUrl)} serves chain ${served}, but 402claw:network is ${options.network}`,
        `use an endpoint of chain ${chain.id}`,
      );
    }
    const splitter = createZeroXSplitsSplitter({ chain, transport });
    return async (terms) => {
      try {
        return await splitter.predictAddress(terms);
      } catch (error) {
        const cause = error instanceof Error && error.cause ? `: ${firstLine(error.cause)}` : "";
        throw new ConfigError(
          "402claw:rpcUrl",
          `${firstLine(error)} (asked ${redact(options.rpcUrl)}${cause})`,
          "check that the endpoint serves eth_call on the stack's network, then run again",
        );
      }
    };
  }
  return {
    source: `predicted by the 0xSplits v2 factory on ${options.network} via ${redact(options.rpcUrl)}`,
    async predict(terms) {
      ready ??= setup();
      return (await ready)(terms);
    },
  };
}

/** The viem chain of a CAIP-2 network on which 0xSplits v2 is deployed; ConfigError otherwise. */
export function splitsChain(network: string): Chain {
  const id = Number(network.split(":")[1]);
  if (!(SPLITS_V2_SUPPORTED_CHAIN_IDS as readonly number[]).includes(id)) {
    throw new ConfigError(
      "402claw:network",
      `0xSplits v2 has no factory on ${network}, so no API can have a split there`,
      "use a network 0xSplits v2 supports, e.g. eip155:8453 (Base) or eip155:84532 (Base Sepolia)",
    );
  }
  const known = (Object.values(viemChains) as unknown[]).find(
    (chain): chain is Chain =>
      typeof chain === "object" && chain !== null && "id" in chain && chain.id === id,
  );
  // Only the id matters for the factory call; a chain viem does not list still works.
  return (
    known ??
    defineChain({
      id,
      name: network,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [] } },
    })
  );
}

// Provider URLs often carry an API key in the path or query: never print more than the host.
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === "/" && !parsed.search ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return "402claw:rpcUrl";
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
