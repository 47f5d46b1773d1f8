import { type Address, createWalletClient, custom, type WalletClient } from "viem";

/** An EIP-1193 provider, as browser wallets inject it at `window.ethereum`. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

/** The browser's wallet, or an error saying how to get one. */
export function browserWallet(): Eip1193Provider {
  const provider = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  if (!provider)
    throw new Error("no browser wallet found: install or unlock one (e.g. MetaMask), then try again");
  return provider;
}

/** Asks the wallet for an account and checks it is on the marketplace's chain (CAIP-2 eip155:<id>). */
export async function connectWallet(network: string): Promise<{ address: Address; wallet: WalletClient }> {
  const provider = browserWallet();
  const [address] = (await provider.request({ method: "eth_requestAccounts" })) as Address[];
  if (!address) throw new Error("the wallet shared no account");
  const wanted = Number(network.split(":")[1]);
  const current = Number.parseInt(String(await provider.request({ method: "eth_chainId" })), 16);
  if (current !== wanted) {
    try {
      await provider.request({
        method: "wallet_switchEthereumChain",
        params: [{ chainId: `0x${wanted.toString(16)}` }],
      });
    } catch {
      throw new Error(`switch your wallet to chain ${wanted} (${network}); it is on chain ${current}`);
    }
  }
  const wallet = createWalletClient({ account: address, transport: custom(provider) });
  return { address, wallet };
}

/** The text of whatever a wallet or fetch threw. */
export function messageOf(error: unknown): string {
  if (error && typeof error === "object" && "shortMessage" in error) return String(error.shortMessage);
  return error instanceof Error ? error.message : String(error);
}
