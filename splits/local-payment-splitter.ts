import {
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  formatUnits,
  type Hash,
  http,
  parseEventLogs,
} from "viem";
import { localChain } from "../chain/local-chain.ts";
import { localSplitFactoryAbi, paymentSplitterAbi } from "./local-split-abi.ts";
import { type LocalSplitFactory, localSplitPayees, predictLocalSplitAddress } from "./local-split-factory.ts";
import { type RevenueSplitter, SplitterError, type WithdrawResult } from "./revenue-splitter.ts";
import { splitSalt } from "./split-salt.ts";
import type { SplitTerms } from "./split-terms.ts";

/** PaymentSplitter rounds dues down but keeps the remainder in the split's balance: nothing goes missing. */
export const LOCAL_SPLIT_DUST = 0n;

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
 * stay in the split as dust until more arrives.
 */
export function createLocalPaymentSplitter(options: LocalPaymentSplitterOptions): RevenueSplitter {
  const chain = localChain(options.chainId, options.rpcUrl);
  const transport = http(options.rpcUrl, { retryCount: 0 });
  const client = createPublicClient({ chain, transport });
  const decimals = options.decimals ?? 6;
  const { address: factory, artifacts } = options.factory;

  const predict = (terms: SplitTerms) =>
    predictLocalSplitAddress(factory, artifacts.paymentSplitter.bytecode, terms);
  const isDeployed = async (terms: SplitTerms) => {
    const code = await client.getCode({ address: predict(terms) });
    return code !== undefined && code !== "0x";
  };

  async function ensureDeployed(
    terms: SplitTerms,
    sender?: Account,
  ): Promise<{ address: Address; txHash?: Hash }> {
    const address = predict(terms);
    if (await isDeployed(terms)) return { address };
    const { payees, shares } = localSplitPayees(terms);
    const wallet = createWalletClient({ chain, transport, account: sender ?? options.defaultSender });
    try {
      const txHash = await wallet.writeContract({
        address: factory,
        abi: localSplitFactoryAbi,
        functionName: "createSplit",
        args: [payees[0], payees[1], shares[0], shares[1], splitSalt(terms.apiSlug)],
      });
      const receipt = await client.waitForTransactionReceipt({ hash: txHash });
      if (receipt.status !== "success") throw new Error(`transaction ${txHash} reverted`);
      return { address, txHash };
    } catch (error) {
      // Two withdrawals racing to deploy the same split: the loser's CREATE2 collides, which is fine.
      if (await isDeployed(terms)) return { address };
      throw new SplitterError("deploy", terms.apiSlug, `could not deploy the split at ${address}`, {
        cause: error,
      });
    }
  }

  async function releaseTo(
    terms: SplitTerms,
    split: Address,
    token: Address,
    account: Address,
    sender: Account,
  ) {
    const due = await client.readContract({
      address: split,
      abi: paymentSplitterAbi,
      functionName: "releasable",
      args: [token, account],
    });
    // PaymentSplitter reverts on "not due payment"; checking first turns that into "nothing to pay".
    if (due === 0n) return { paid: 0n, txHash: undefined };
    const wallet = createWalletClient({ chain, transport, account: sender });
    const txHash = await wallet.writeContract({
      address: split,
      abi: paymentSplitterAbi,
      functionName: "release",
      args: [token, account],
    });
    const receipt = await client.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== "success") {
      throw new SplitterError("withdraw", terms.apiSlug, `release to ${account} reverted (tx ${txHash})`);
    }
    // Count what the split says it paid, not what we expected to be due.
    const paid = parseEventLogs({
      abi: paymentSplitterAbi,
      eventName: "ERC20PaymentReleased",
      logs: receipt.logs,
    })
      .filter(
        (log) =>
          log.address.toLowerCase() === split.toLowerCase() &&
          log.args.to.toLowerCase() === account.toLowerCase(),
      )
      .reduce((sum, log) => sum + log.args.amount, 0n);
    return { paid, txHash };
  }

  return {
    kind: "local-payment-splitter",
    // PaymentSplitter keeps its rounding dust in its own balance, so nothing goes unaccounted.
    dustTolerance: LOCAL_SPLIT_DUST,
    predictAddress: async (terms) => predict(terms),
    isDeployed,
    ensureDeployed,
    async balance(terms, token) {
      return client.readContract({
        address: token,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [predict(terms)],
      });
    },
    async withdrawCreatorShare(terms, token, sender): Promise<WithdrawResult> {
      const { address: split, txHash: deployTx } = await ensureDeployed(terms, sender);
      const txHashes: Hash[] = deployTx ? [deployTx] : [];
      const creator = await releaseTo(terms, split, token, terms.creator, sender);
      if (creator.txHash) txHashes.push(creator.txHash);
      const platform = await releaseTo(terms, split, token, terms.platform, sender);
      if (platform.txHash) txHashes.push(platform.txHash);

      const amount = (units: bigint) => formatUnits(units, decimals);
      const nothingToWithdraw = creator.paid === 0n && platform.paid === 0n;
      const message = nothingToWithdraw
        ? `nothing to withdraw: the split ${split} of "${terms.apiSlug}" owes nothing to ${terms.creator} or the platform`
        : `paid ${amount(creator.paid)} to creator ${terms.creator} and ${amount(platform.paid)} to platform ${terms.platform} from split ${split}`;
      return {
        txHashes,
        creatorPaid: creator.paid,
        platformPaid: platform.paid,
        creatorWalletReceived: creator.paid,
        nothingToWithdraw,
        message,
      };
    },
  };
}
