import type { Address, Hex } from "viem";

/** The parts of `.local/dev.json` the browser tests sign and check with. */
export interface DevFields {
  payer: { address: Address; privateKey: Hex };
  creators: Array<{ address: Address; privateKey: Hex }>;
  admin: { token: string };
  platform: { wallet: Address; platformFeeBps: number };
}
