import { type Account, http } from "viem";
import { localChain } from "../chain/local-chain.ts";
import { createLocalSplitClient } from "./local-split-client.ts";
import type { LocalSplitFactory } from "./local-split-factory.ts";
import type { RevenueSplitter } from "./revenue-splitter.ts";

export { LOCAL_SPLIT_DUST } from "./local-split-client.ts";

export interface LocalPaymentSplitterOptions {
  rpcUrl: string;
  chainId: number;
  /** From `ensureLocalSplitFactory` (deployed once when the local stack starts). */
  factory: LocalSplitFactory;
  /** Signs lazy deployments when `ensureDeployed` is given no sender. */
  defaultSender: Account;
  /** For the one-line messages only; amounts are always returned in token units. Default 6 (USDC). */
  decimals?: number;
}

/**
 * LOCAL STAND-IN for 0xSplits: one OpenZeppelin 4.9.6 PaymentSplitter per API, deployed through
 * chain/contracts/LocalSplitFactory.sol with CREATE2. Shares are basis points (creator 10000 − fee,
 * platform fee); PaymentSplitter rounds each payee's due amount down, so up to 1 unit per payee can
 * stay in the split as dust until more arrives. The calls themselves live in local-split-client.ts,
 * which the dashboard drives with a browser wallet.
 */
export function createLocalPaymentSplitter(options: LocalPaymentSplitterOptions): RevenueSplitter {
  return createLocalSplitClient({
    chain: localChain(options.chainId, options.rpcUrl),
    transport: http(options.rpcUrl, { retryCount: 0 }),
    factory: options.factory.address,
    paymentSplitterBytecode: options.factory.artifacts.paymentSplitter.bytecode,
    defaultSender: options.defaultSender,
    ...(options.decimals === undefined ? {} : { decimals: options.decimals }),
  });
}
