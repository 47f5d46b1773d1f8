import type { Hex } from "viem";
import { createPayingFetch } from "../../client/paying-fetch.ts";
import type { DevFile } from "../../local/dev-file.ts";

/** The official x402 client paying as the local demo payer named in `.local/dev.json`. */
export function demoPayerFetch(devFile: DevFile, maxAmount = 1_000_000n): typeof fetch {
  const fields = devFile as DevFile & {
    network: `${string}:${string}`;
    asset: string;
    payer: { privateKey: Hex };
  };
  return createPayingFetch({
    privateKey: fields.payer.privateKey,
    network: fields.network,
    asset: fields.asset,
    maxAmount,
  });
}
