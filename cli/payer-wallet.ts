import { homedir } from "node:os";
import { join } from "node:path";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { PayingClientOptions } from "../client/paying-fetch.ts";
import { localDir, projectRoot } from "../local/paths.ts";
import { readDevSettings } from "./dev-settings.ts";

/** The wallet a paying command (`402claw call`, `402claw mcp`) signs with, and where it pays. */
export interface PayerWallet {
  privateKey: Hex;
  network: `${string}:${string}`;
  /** The local token; off the local chain, only assets the x402 client knows (real USDC). */
  asset?: string;
  /** The local chain's JSON-RPC, when paying the local gateway. */
  rpc?: string;
  /** The local gateway's URL, when that is what is paid. */
  local?: string;
}

/** The key from --key / PAYER_PRIVATE_KEY, or the local demo payer for the local gateway; else why not. */
export function chooseWallet(url: string, key: string | undefined): PayerWallet | string {
  const dev = readDevSettings();
  const local = dev && new URL(url).origin === new URL(dev.gateway).origin ? dev : undefined;
  const privateKey = (key ?? process.env.PAYER_PRIVATE_KEY ?? local?.payer.privateKey) as Hex | undefined;
  if (!privateKey)
    return "no wallet: pass --key <hex> or set PAYER_PRIVATE_KEY (the demo payer is used only for the local gateway)";
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) return "the private key must be 0x followed by 64 hex digits";
  // Off the local chain, any EVM network, and only assets the x402 client knows (real USDC).
  return local
    ? { privateKey, network: local.network, asset: local.asset, rpc: local.rpc, local: local.gateway }
    : { privateKey, network: "eip155:*" };
}

/** Where this wallet's payment channels are kept: the project's .local/ for the local gateway, else ~/.402claw. */
export function channelDirFor(wallet: PayerWallet): string {
  const address = privateKeyToAccount(wallet.privateKey).address.toLowerCase();
  const base = wallet.local
    ? join(localDir(projectRoot()), "channels")
    : join(homedir(), ".402claw", "channels");
  return join(base, address);
}

/**
 * The batch-settlement options of a paying command: channels kept on disk (so every command and
 * run of this wallet reuses them), or none with --exact or without a chain to read channels from.
 */
export function batchOptionsFor(
  wallet: PayerWallet,
  flags: { rpc?: string; exact?: boolean; depositUnits?: bigint },
): PayingClientOptions["batch"] {
  const rpcUrl = flags.rpc ?? wallet.rpc;
  if (!rpcUrl || flags.exact) return undefined;
  return {
    rpcUrl,
    channelDir: channelDirFor(wallet),
    ...(flags.depositUnits !== undefined ? { depositUnits: flags.depositUnits } : {}),
  };
}
