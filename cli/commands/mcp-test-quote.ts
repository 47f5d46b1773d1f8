import { x402Client } from "@x402/core/client";
import type { PaymentRequired } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

/** The MCP tests' gateway quote: one exact offer, signed locally (no chain needed). */
const asset = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const TEST_QUOTE: PaymentRequired = {
  x402Version: 2,
  resource: { url: "http://127.0.0.1/world-cities", description: "", mimeType: "application/json" },
  accepts: [
    {
      scheme: "exact",
      network: "eip155:31337",
      asset,
      amount: "1000",
      payTo: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      maxTimeoutSeconds: 60,
      extra: { name: "USD Coin", version: "2" },
    },
  ],
};

/** The official x402 client paying TEST_QUOTE's asset with exact, as a fresh wallet. */
export function testPayer(): x402Client {
  return new x402Client()
    .register("eip155:31337", new ExactEvmScheme(privateKeyToAccount(generatePrivateKey())))
    .setSpendControls({ allowedAssets: [{ network: "eip155:31337", asset }] });
}
