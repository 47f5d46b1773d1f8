import { type Chain, defineChain } from "viem";

/** Where Multicall3 lives on every chain (and, once placed, on anvil). */
export const MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11" as const;

/** A viem chain for a local/dev EVM node, with Multicall3 registered so viem batches reads through it. */
export function localChain(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `local-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
  });
}

/** The CAIP-2 network id x402 v2 uses for an EVM chain. */
export function caip2(chainId: number): `eip155:${number}` {
  return `eip155:${chainId}`;
}
