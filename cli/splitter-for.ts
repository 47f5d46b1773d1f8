import { http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { base, baseSepolia } from "viem/chains";
import { ROLES } from "../chain/accounts.ts";
import { localDir, projectRoot } from "../local/paths.ts";
import { createLocalPaymentSplitter } from "../splits/local-payment-splitter.ts";
import { ensureLocalSplitFactory } from "../splits/local-split-factory.ts";
import type { RevenueSplitter } from "../splits/revenue-splitter.ts";
import { createZeroXSplitsSplitter } from "../splits/zero-x-splits.ts";
import type { DevSettings } from "./dev-settings.ts";

const PRODUCTION_CHAINS = { "eip155:8453": base, "eip155:84532": baseSepolia } as const;

/**
 * The splitter behind a gateway: the local PaymentSplitter stand-in for the local marketplace,
 * 0xSplits v2 on Base / Base Sepolia otherwise (with the RPC the caller names).
 */
export async function splitterFor(
  network: string,
  local: DevSettings | undefined,
  rpcUrl: string | undefined,
): Promise<RevenueSplitter> {
  if (local && local.network === network) {
    const factory = await ensureLocalSplitFactory({
      rpcUrl: local.rpc,
      chainId: local.chainId,
      cacheDir: `${localDir(projectRoot())}/artifacts`,
    });
    return createLocalPaymentSplitter({
      rpcUrl: local.rpc,
      chainId: local.chainId,
      factory,
      defaultSender: privateKeyToAccount(ROLES.deployer.privateKey),
    });
  }
  const chain = PRODUCTION_CHAINS[network as keyof typeof PRODUCTION_CHAINS];
  if (!chain) throw new Error(`no 0xSplits deployment known for ${network}`);
  if (!rpcUrl) throw new Error(`pass --rpc <url> (a JSON-RPC endpoint for ${chain.name})`);
  return createZeroXSplitsSplitter({ chain, transport: http(rpcUrl) });
}
