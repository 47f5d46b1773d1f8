/** Block explorers for the networks that have a public one; the local chain has none. */
const EXPLORERS: Record<string, string> = {
  "eip155:8453": "https://basescan.org",
  "eip155:84532": "https://sepolia.basescan.org",
  "eip155:1": "https://etherscan.io",
};

/** A link to an address or transaction on the network's explorer, or null when it has none. */
export function explorerUrl(network: string, kind: "address" | "tx", value: string): string | null {
  const base = EXPLORERS[network];
  return base ? `${base}/${kind}/${value}` : null;
}
