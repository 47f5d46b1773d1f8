import { type Address, createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ROLES } from "./accounts.ts";
import { localChain } from "./local-chain.ts";
import type { RunningLocalChain } from "./start-local-chain.ts";
import { usdc3009Abi } from "./usdc3009-abi.ts";

/** Mints `amount` token units to each payer, as the token's owner (the deployer) does for the demo payer. */
export async function fundPayers(
  chain: RunningLocalChain,
  payers: ReadonlyArray<{ address: Address }>,
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
