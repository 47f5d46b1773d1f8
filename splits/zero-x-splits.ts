import { splitV2ABI, warehouseAbi } from "@0xsplits/splits-sdk/constants/abi";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  formatUnits,
  getAddress,
  type Hash,
  parseEventLogs,
  type Transport,
} from "viem";
import { type RevenueSplitter, SplitterError, type WithdrawResult } from "./revenue-splitter.ts";
import type { SplitTerms } from "./split-terms.ts";
import {
  buildCreateSplitCall,
  buildDistributeCall,
  buildWarehouseWithdrawCall,
  type ContractCall,
  zeroXCreateSplitConfig,
  zeroXSplitsSdk,
  zeroXWarehouse,
} from "./zero-x-splits-calls.ts";

export interface ZeroXSplitsOptions {
  /** A chain the SDK supports (viem's `base` in production, `baseSepolia` for staging). */
  chain: Chain;
  /** RPC transport, e.g. `http(rpcUrl)`. */
  transport: Transport;
  /** Signs deployments when `ensureDeployed` is given no sender (the platform's deployer key). */
  defaultSender?: Account;
  /** For the one-line messages only. Default 6 (USDC). */
  decimals?: number;
}

/**
 * Production splitter: one immutable 0xSplits v2.2 pull split per API, created with
 * `createSplitDeterministic` (salt from the slug). The address comes from the factory's
 * `predictDeterministicAddress` (one eth_call; the SDK has no offline prediction). Withdrawal =
 * `distribute` (credits creator and platform in the SplitsWarehouse) + warehouse `withdraw` for the creator.
 */
export function createZeroXSplitsSplitter(options: ZeroXSplitsOptions): RevenueSplitter {
  const { chain, transport } = options;
  const client = createPublicClient({ chain, transport });
  const sdk = zeroXSplitsSdk(client);
  const decimals = options.decimals ?? 6;
  const tokenId = (token: Address) => BigInt(token);

  async function predict(terms: SplitTerms): Promise<Address> {
    try {
      const { splitAddress } = await sdk.splitV2.predictDeterministicAddress(
        zeroXCreateSplitConfig(terms, chain.id),
      );
      return getAddress(splitAddress);
    } catch (error) {
      throw new SplitterError("predict", terms.apiSlug, "the split factory did not answer", { cause: error });
    }
  }
  async function isDeployed(terms: SplitTerms): Promise<boolean> {
    const code = await client.getCode({ address: await predict(terms) });
    return code !== undefined && code !== "0x";
  }
  async function send(terms: SplitTerms, op: "deploy" | "withdraw", sender: Account, call: ContractCall) {
    const wallet = createWalletClient({ chain, transport, account: sender });
    const hash = await wallet.sendTransaction({ to: call.to, data: call.data });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new SplitterError(op, terms.apiSlug, `transaction ${hash} reverted`);
    return receipt;
  }

  async function ensureDeployed(
    terms: SplitTerms,
    sender?: Account,
  ): Promise<{ address: Address; txHash?: Hash }> {
    const address = await predict(terms);
    if (await isDeployed(terms)) return { address };
    const signer = sender ?? options.defaultSender;
    if (!signer) throw new SplitterError("deploy", terms.apiSlug, "no sender to pay for creating the split");
    try {
      const receipt = await send(terms, "deploy", signer, await buildCreateSplitCall(sdk, terms));
      return { address, txHash: receipt.transactionHash };
    } catch (error) {
      if (await isDeployed(terms)) return { address }; // someone else created it meanwhile
      throw error instanceof SplitterError
        ? error
        : new SplitterError("deploy", terms.apiSlug, `could not create the split at ${address}`, {
            cause: error,
          });
    }
  }

  async function balance(terms: SplitTerms, token: Address): Promise<bigint> {
    const split = await predict(terms);
    if (!(await isDeployed(terms))) {
      return client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [split] });
    }
    const [inSplit, inWarehouse] = await client.readContract({
      address: split,
      abi: splitV2ABI,
      functionName: "getSplitBalance",
      args: [token],
    });
    return inSplit + inWarehouse;
  }

  async function withdrawCreatorShare(
    terms: SplitTerms,
    token: Address,
    sender: Account,
  ): Promise<WithdrawResult> {
    const { address: split, txHash: deployTx } = await ensureDeployed(terms, sender);
    const txHashes: Hash[] = deployTx ? [deployTx] : [];
    let creatorPaid = 0n;
    let platformPaid = 0n;
    let creatorWalletReceived = 0n;

    // A pull split keeps 1 unit of each of its balances on distribute; below 2 there is nothing to move.
    const [inSplit, inWarehouse] = await client.readContract({
      address: split,
      abi: splitV2ABI,
      functionName: "getSplitBalance",
      args: [token],
    });
    if (inSplit > 1n || inWarehouse > 1n) {
      const call = await buildDistributeCall(sdk, terms, split, token, sender.address);
      const receipt = await send(terms, "withdraw", sender, call);
      txHashes.push(receipt.transactionHash);
      // What this split credited each recipient in the warehouse (ERC-6909 transfers from the split).
      for (const log of parseEventLogs({ abi: warehouseAbi, eventName: "Transfer", logs: receipt.logs })) {
        if (getAddress(log.address) !== zeroXWarehouse() || getAddress(log.args.sender) !== split) continue;
        if (log.args.id !== tokenId(token)) continue;
        if (getAddress(log.args.receiver) === getAddress(terms.creator)) creatorPaid += log.args.amount;
        if (getAddress(log.args.receiver) === getAddress(terms.platform)) platformPaid += log.args.amount;
      }
    }

    // The warehouse's withdraw(owner, token) pays balance − 1 and underflows on 0: check first.
    const creatorCredit = await client.readContract({
      address: zeroXWarehouse(),
      abi: warehouseAbi,
      functionName: "balanceOf",
      args: [terms.creator, tokenId(token)],
    });
    if (creatorCredit > 1n) {
      const receipt = await send(
        terms,
        "withdraw",
        sender,
        await buildWarehouseWithdrawCall(sdk, terms.creator, token),
      );
      txHashes.push(receipt.transactionHash);
      for (const log of parseEventLogs({ abi: warehouseAbi, eventName: "Withdraw", logs: receipt.logs })) {
        if (
          getAddress(log.args.owner) === getAddress(terms.creator) &&
          getAddress(log.args.token) === getAddress(token)
        ) {
          creatorWalletReceived += log.args.amount;
        }
      }
    }

    const nothingToWithdraw = creatorPaid === 0n && platformPaid === 0n && creatorWalletReceived === 0n;
    const amount = (units: bigint) => formatUnits(units, decimals);
    const message = nothingToWithdraw
      ? `nothing to withdraw: the split ${split} of "${terms.apiSlug}" and the warehouse hold nothing more for ${terms.creator}`
      : `distributed ${amount(creatorPaid)} to creator ${terms.creator} and ${amount(platformPaid)} to platform ` +
        `${terms.platform} from split ${split}; ${amount(creatorWalletReceived)} reached the creator's wallet`;
    return { txHashes, creatorPaid, platformPaid, creatorWalletReceived, nothingToWithdraw, message };
  }

  return {
    kind: "0xsplits-v2",
    // Each recipient's warehouse account keeps 1 unit after a withdrawal; the split's own leftovers
    // show in `balance`.
    dustTolerance: 2n,
    predictAddress: predict,
    isDeployed,
    ensureDeployed,
    balance,
    withdrawCreatorShare,
  };
}
