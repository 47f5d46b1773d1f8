import { type Address, createPublicClient, type Hex, http, parseAbi, parseAbiItem } from "viem";
import { BATCH_SETTLEMENT_ADDRESS, batchSettlementAbi } from "../../../chain/batch-settlement.ts";

const TOKEN_ABI = parseAbi([
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
]);
const AUTHORIZATION_USED = parseAbiItem(
  "event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)",
);

/** What the chain says about one EIP-3009 authorization. */
export interface AuthorizationOnChain {
  used: boolean;
  txHash: Hex | null;
}

/** Reads an authorization's fate from the token contract: the ground truth for `unknown` payments. */
export async function readAuthorization(
  rpcUrl: string,
  asset: Address,
  payer: Address,
  nonce: Hex,
): Promise<AuthorizationOnChain> {
  const client = createPublicClient({ transport: http(rpcUrl, { timeout: 10_000 }) });
  const used = await client.readContract({
    address: asset,
    abi: TOKEN_ABI,
    functionName: "authorizationState",
    args: [payer, nonce],
  });
  if (!used) return { used: false, txHash: null };
  const logs = await client.getLogs({
    address: asset,
    event: AUTHORIZATION_USED,
    args: { authorizer: payer, nonce },
    fromBlock: 0n,
  });
  return { used: true, txHash: logs[0]?.transactionHash ?? null };
}

/**
 * The channels (of `channelIds`) whose payer has started the contract's timed withdrawal: their
 * outstanding vouchers must be claimed before the delay ends, whether or not the payer still calls.
 */
export async function withdrawalsStarted(
  rpcUrl: string,
  channelIds: readonly string[],
): Promise<Set<string>> {
  const client = createPublicClient({ transport: http(rpcUrl, { timeout: 10_000 }) });
  const started = new Set<string>();
  for (const channelId of channelIds) {
    const [, initiatedAt] = await client.readContract({
      address: BATCH_SETTLEMENT_ADDRESS,
      abi: batchSettlementAbi,
      functionName: "pendingWithdrawals",
      args: [channelId as Hex],
    });
    if (initiatedAt > 0) started.add(channelId.toLowerCase());
  }
  return started;
}
