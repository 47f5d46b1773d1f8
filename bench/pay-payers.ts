import { type Address, createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type DevAccount, devAccount, ROLES } from "../chain/accounts.ts";
import { localChain } from "../chain/local-chain.ts";
import type { RunningLocalChain } from "../chain/start-local-chain.ts";
import { usdc3009Abi } from "../chain/usdc3009-abi.ts";

/**
 * anvil accounts 6–9 are claimed by no role: one payer each, so concurrent callers never share
 * a payer ledger (one Durable Object per payer) and measure contention that real traffic lacks.
 */
export const BENCH_PAYER_INDEXES = [6, 7, 8, 9] as const;

export function benchPayers(count: number): DevAccount[] {
  if (count > BENCH_PAYER_INDEXES.length) throw new Error(`at most ${BENCH_PAYER_INDEXES.length} payers`);
  return BENCH_PAYER_INDEXES.slice(0, count).map((index) => devAccount(index));
}

/** Mints `amount` token units to each payer, as the token's owner (the deployer) does for the demo payer. */
export async function fundPayers(
  chain: RunningLocalChain,
  payers: readonly DevAccount[],
  amount: bigint,
): Promise<void> {
  const wallet = createWalletClient({
    account: privateKeyToAccount(ROLES.deployer.privateKey),
    chain: localChain(chain.chainId, chain.rpcUrl),
    transport: http(chain.rpcUrl, { retryCount: 0 }),
  });
  const reader = balanceReader(chain);
  // One after another: the deployer's tx nonces would collide if sent concurrently.
  for (const payer of payers) {
    const hash = await wallet.writeContract({
      address: chain.asset,
      abi: usdc3009Abi,
      functionName: "mint",
      args: [payer.address, amount],
    });
    const receipt = await reader.client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`minting test USDC to ${payer.address} failed`);
  }
}

/** The token balance of any address, read straight from the chain (not from any ledger of ours). */
export function balanceReader(chain: RunningLocalChain) {
  const client = createPublicClient({
    chain: localChain(chain.chainId, chain.rpcUrl),
    transport: http(chain.rpcUrl, { retryCount: 0 }),
  });
  return {
    client,
    balanceOf: (address: Address) =>
      client.readContract({
        address: chain.asset,
        abi: usdc3009Abi,
        functionName: "balanceOf",
        args: [address],
      }),
  };
}
