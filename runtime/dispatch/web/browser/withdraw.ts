import { type Address, createPublicClient, custom, type Hash } from "viem";
import { paymentSplitterAbi } from "../../../../splits/local-split-abi.ts";
import { browserWallet, connectWallet } from "./wallet.ts";

/** Networks whose splits are 0xSplits v2: withdrawing there is `402claw withdraw`'s job for now. */
const ZERO_X_SPLITS_NETWORKS = new Set(["eip155:8453", "eip155:84532"]);

export interface WithdrawInput {
  network: string;
  asset: Address;
  /** The API's split (its payTo). */
  split: Address;
  creator: Address;
  platform: Address;
}

/**
 * The transactions `402claw withdraw` sends for a local PaymentSplitter, signed and sent by the
 * browser wallet: `release(asset, creator)` then `release(asset, platform)`, each only when
 * something is due. Returns the mined transactions' hashes (empty: nothing was due).
 */
export async function withdrawFromSplit(input: WithdrawInput): Promise<Hash[]> {
  if (ZERO_X_SPLITS_NETWORKS.has(input.network)) {
    throw new Error("withdrawing from a 0xSplits split is not in the browser yet: run `402claw withdraw`");
  }
  const { address, wallet } = await connectWallet(input.network);
  // Reads and receipts go through the wallet's own RPC, like every wallet-backed dapp.
  const chain = createPublicClient({ transport: custom(browserWallet()) });
  const code = await chain.getCode({ address: input.split });
  if (!code || code === "0x") {
    throw new Error(
      `the split ${input.split} is not deployed yet: run \`402claw withdraw\` once to deploy it`,
    );
  }
  const hashes: Hash[] = [];
  for (const payee of [input.creator, input.platform]) {
    const due = await chain.readContract({
      address: input.split,
      abi: paymentSplitterAbi,
      functionName: "releasable",
      args: [input.asset, payee],
    });
    if (due === 0n) continue;
    const hash = await wallet.writeContract({
      account: address,
      chain: null,
      address: input.split,
      abi: paymentSplitterAbi,
      functionName: "release",
      args: [input.asset, payee],
    });
    const receipt = await chain.waitForTransactionReceipt({ hash, pollingInterval: 500 });
    if (receipt.status !== "success") throw new Error(`release to ${payee} reverted (transaction ${hash})`);
    hashes.push(hash);
  }
  return hashes;
}
