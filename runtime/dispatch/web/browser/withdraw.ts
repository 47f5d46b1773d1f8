import {
  type Address,
  type Chain,
  custom,
  defineChain,
  getAddress,
  type Hash,
  type JsonRpcAccount,
} from "viem";
import { createLocalSplitClient } from "../../../../splits/local-split-client.ts";
import type { RevenueSplitter, WithdrawResult } from "../../../../splits/revenue-splitter.ts";
import { resolveSplitTerms } from "../../../../splits/split-terms.ts";
import type { SplitInfo } from "../../creators/responses.ts";
import { browserWallet, connectWallet, type Eip1193Provider } from "./wallet.ts";

/** How often the page polls the wallet's node for a receipt. */
const RECEIPT_POLL_MS = 500;

export interface WithdrawInput {
  network: string;
  asset: Address;
  slug: string;
  /** The API's split address (its payTo): the terms must lead here, or nothing is sent. */
  payTo: Address;
  split: SplitInfo;
  /** Called as each transaction is mined, before the wallet is asked for the next one. */
  onMined?: (hash: Hash) => Promise<void>;
}

/**
 * `402claw withdraw` for one API, signed and sent by the browser wallet through the same splits/
 * code: creates the split if no payment has been withdrawn yet, then pays the creator's share to the
 * creator and the fee to the platform. Returns what it did, including every transaction to record.
 */
export async function withdrawFromSplit(input: WithdrawInput): Promise<WithdrawResult> {
  const { address } = await connectWallet(input.network);
  if (getAddress(address) !== getAddress(input.split.creator)) {
    throw new Error(`the wallet's account ${address} is not this API's owner ${input.split.creator}`);
  }
  if (!input.split.platform) {
    throw new Error(
      "the gateway names no platform wallet (PLATFORM_WALLET), so the split's terms are unknown",
    );
  }
  // The same terms `402claw withdraw` resolves: the API's fee, taken as its own bounds.
  const terms = resolveSplitTerms({
    apiSlug: input.slug,
    creator: input.split.creator,
    platformWallet: input.split.platform,
    platformFeeBps: input.split.platformFeeBps,
    minBps: input.split.platformFeeBps,
    maxBps: input.split.platformFeeBps,
  });
  const splitter = splitterFor(input, browserWallet());
  // Money goes only where the payments went: terms that predict another address send nothing.
  const predicted = await splitter.predictAddress(terms);
  if (predicted !== getAddress(input.payTo)) {
    throw new Error(
      `these split terms lead to ${predicted}, but ${input.slug} is paid to ${input.payTo}: nothing was sent`,
    );
  }
  const sender: JsonRpcAccount = { address: getAddress(address), type: "json-rpc" };
  return splitter.withdrawCreatorShare(terms, input.asset, sender);
}

/** The splitter that made this API's payTo, driven through the wallet (its node answers the reads). */
function splitterFor(input: WithdrawInput, wallet: Eip1193Provider): RevenueSplitter {
  const { network, split } = input;
  if (split.kind === "local-payment-splitter") {
    if (!split.factory) {
      throw new Error("the gateway names no split factory (SPLIT_FACTORY): run `402claw withdraw` instead");
    }
    return createLocalSplitClient({
      chain: walletChain(Number(network.split(":")[1])),
      transport: custom(wallet),
      factory: getAddress(split.factory),
      pollingInterval: RECEIPT_POLL_MS,
      ...(input.onMined ? { onMined: input.onMined } : {}),
    });
  }
  if (split.kind === "0xsplits-v2") {
    // The 0xSplits SDK is CommonJS and cannot be tree-shaken: bundled, it would double the gateway
    // worker's size (3.1 → 6.5 MB measured) for every marketplace. Its transactions stay with the CLI for now.
    throw new Error("withdrawing from a 0xSplits split is not in the browser yet: run `402claw withdraw`");
  }
  throw new Error("this API's split kind is not recorded: run `402claw withdraw` instead");
}

/** A chain as the wallet knows it: viem checks the wallet is on it before each transaction. */
function walletChain(id: number): Chain {
  return defineChain({
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
}
