import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { readDevSettings } from "./dev-settings.ts";

/** A wallet the CLI may sign in as. */
export interface CreatorWallet {
  address: Address;
  privateKey: Hex;
}

export interface CreatorChoice {
  gateway: string;
  wallets: CreatorWallet[];
}

/**
 * Which gateway to ask and as whom: --key or CREATOR_PRIVATE_KEY when given; otherwise, on the
 * local marketplace, the owner of `slug` (or every local creator) from .local/dev.json. A string
 * is a message saying what to pass instead.
 */
export function chooseCreatorWallets(options: {
  key?: string | undefined;
  slug?: string | undefined;
  gateway?: string | undefined;
}): CreatorChoice | string {
  const dev = readDevSettings();
  const gateway = (options.gateway ?? process.env.CLAW_GATEWAY ?? dev?.gateway)?.replace(/\/+$/, "");
  if (!gateway) {
    return "no gateway: pass --gateway <url> (or set CLAW_GATEWAY), or start the local marketplace with `npm start`";
  }
  // An empty variable (`CREATOR_PRIVATE_KEY= 402claw stats`) means "none", as in most shells' tools.
  const key = options.key ?? (process.env.CREATOR_PRIVATE_KEY || undefined);
  if (key !== undefined) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) return "the private key must be 0x followed by 64 hex digits";
    return {
      gateway,
      wallets: [{ address: privateKeyToAccount(key as Hex).address, privateKey: key as Hex }],
    };
  }
  const local = dev && sameOrigin(gateway, dev.gateway) ? dev : undefined;
  const known = local?.creators ?? [];
  if (!local || known.length === 0) {
    return "no wallet: pass --key <hex> or set CREATOR_PRIVATE_KEY (local creators are used only for the local gateway)";
  }
  if (options.slug === undefined) return { gateway, wallets: known };
  const api = local.apis.find((candidate) => candidate.slug === options.slug);
  if (!api) return `the local marketplace has no API "${options.slug}"`;
  const owner = known.find((creator) => creator.address.toLowerCase() === api.owner.toLowerCase());
  if (!owner)
    return `the local stack does not know the key of ${options.slug}'s owner ${api.owner}: pass --key`;
  return { gateway, wallets: [owner] };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
