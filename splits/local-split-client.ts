import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  formatUnits,
  type Hash,
  type Hex,
  parseEventLogs,
  type Transport,
} from "viem";
import { localSplitFactoryAbi, paymentSplitterAbi } from "./local-split-abi.ts";
import { localSplitPayees, predictLocalSplitAddress } from "./local-split-address.ts";
import { type RevenueSplitter, SplitterError, type WithdrawResult } from "./revenue-splitter.ts";
import { splitSalt } from "./split-salt.ts";
import type { SplitTerms } from "./split-terms.ts";

/** PaymentSplitter rounds dues down but keeps the remainder in the split's balance: nothing goes missing. */
export const LOCAL_SPLIT_DUST = 0n;

export interface LocalSplitClientOptions {
  chain: Chain;
  /** Any viem transport: `http(rpcUrl)` in Node, `custom(window.ethereum)` in the browser. */
  transport: Transport;
  /** The LocalSplitFactory every split is created through. */
  factory: Address;
  /**
   * PaymentSplitter creation code, to predict split addresses offline. Without it (the browser, which
   * has no compiler) the factory's own `predictSplitAddress` answers, one eth_call per terms.
   */
  paymentSplitterBytecode?: Hex;
  /** Signs lazy deployments when `ensureDeployed` is given no sender. */
  defaultSender?: Account;
  /** For the one-line messages only; amounts are always returned in token units. Default 6 (USDC). */
  decimals?: number;
  /** How often to poll for receipts (ms); viem's default suits a real chain. */
  pollingInterval?: number;
  /**
   * Called once each transaction is mined successfully, before the next one is sent, so a caller can
   * record a payout at once: a browser wallet's owner may refuse the next transaction.
   */
  onMined?: (hash: Hash) => void | Promise<void>;
}

/**
 * The local PaymentSplitter stand-in over any transport: the same calls whether a development key
 * (`402claw withdraw`) or a browser wallet (the dashboard) signs them. Browser-safe.
 */
export function createLocalSplitClient(options: LocalSplitClientOptions): RevenueSplitter {
  const { chain, transport, factory } = options;
  const polling = options.pollingInterval === undefined ? {} : { pollingInterval: options.pollingInterval };
  const client = createPublicClient({ chain, transport, ...polling });
  const decimals = options.decimals ?? 6;
  const bytecode = options.paymentSplitterBytecode;

  async function predict(terms: SplitTerms): Promise<Address> {
    if (bytecode) return predictLocalSplitAddress(factory, bytecode, terms);
    const { payees, shares } = localSplitPayees(terms);
    try {
      return await client.readContract({
        address: factory,
        abi: localSplitFactoryAbi,
        functionName: "predictSplitAddress",
        args: [payees[0], payees[1], shares[0], shares[1], splitSalt(terms.apiSlug)],
      });
    } catch (error) {
      throw new SplitterError("predict", terms.apiSlug, `the split factory ${factory} did not answer`, {
        cause: error,
      });
    }
  }
  const hasCode = async (address: Address) => {
    const code = await client.getCode({ address });
    return code !== undefined && code !== "0x";
  };
  const isDeployed = async (terms: SplitTerms) => hasCode(await predict(terms));

  async function ensureDeployed(
    terms: SplitTerms,
    sender?: Account,
  ): Promise<{ address: Address; txHash?: Hash }> {
    const address = await predict(terms);
    if (await hasCode(address)) return { address };
    const signer = sender ?? options.defaultSender;
    if (!signer) throw new SplitterError("deploy", terms.apiSlug, "no sender to pay for creating the split");
    const { payees, shares } = localSplitPayees(terms);
    const wallet = createWalletClient({ chain, transport, account: signer });
    let txHash: Hash;
    try {
      txHash = await wallet.writeContract({
        address: factory,
        abi: localSplitFactoryAbi,
        functionName: "createSplit",
        args: [payees[0], payees[1], shares[0], shares[1], splitSalt(terms.apiSlug)],
      });
      const receipt = await client.waitForTransactionReceipt({ hash: txHash });
      if (receipt.status !== "success") throw new Error(`transaction ${txHash} reverted`);
    } catch (error) {
      // Two withdrawals racing to deploy the same split: the loser's CREATE2 collides, which is fine.
      if (await hasCode(address)) return { address };
      throw new SplitterError("deploy", terms.apiSlug, `could not deploy the split at ${address}`, {
        cause: error,
      });
    }
    await options.onMined?.(txHash);
    return { address, txHash };
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
    await options.onMined?.(txHash);
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
    predictAddress: predict,
    isDeployed,
    ensureDeployed,
    async balance(terms, token) {
      return client.readContract({
        address: token,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [await predict(terms)],
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
