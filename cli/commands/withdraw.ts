import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { formatUsd } from "../../core/price.ts";
import { resolveSplitTerms } from "../../splits/split-terms.ts";
import { parseCommandArgs } from "../args.ts";
import { recordPayouts } from "../creator-session.ts";
import { readDevSettings } from "../dev-settings.ts";
import { readCatalog } from "../gateway-catalog.ts";
import { out, say } from "../output.ts";
import { splitterFor } from "../splitter-for.ts";

const HELP = `Usage: 402claw withdraw [slug] [--key <hex>] [--gateway <url>] [--rpc <url>]

Distributes what an API's revenue split holds and pays the creator's share to the creator's wallet
(the platform's share goes to the platform wallet). Without a slug: every API the wallet owns.
  --key       the creator's private key (or env CREATOR_PRIVATE_KEY); locally, the example APIs'
              owners are development wallets listed in .local/dev.json, used when no key is given
  --gateway   the marketplace (default: the local one from .local/dev.json)
  --rpc       JSON-RPC endpoint of the payment network (production: Base / Base Sepolia)
Prints the transactions. A second withdraw right after pays nothing and says so.`;

export async function runWithdraw(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    key: { type: "string" },
    gateway: { type: "string" },
    rpc: { type: "string" },
  });
  if (values.help) {
    say(HELP);
    return 0;
  }
  const local = readDevSettings();
  const gateway = values.gateway ?? local?.gateway;
  if (!gateway) {
    say("402claw withdraw: no gateway: start the local marketplace (`npm start`) or pass --gateway <url>");
    return 1;
  }
  const catalog = await readCatalog(gateway);
  const slug = positionals[0];
  const key = (values.key ?? process.env.CREATOR_PRIVATE_KEY ?? localCreatorKey(local, catalog.apis, slug)) as
    | Hex
    | undefined;
  if (!key) {
    say(
      "402claw withdraw: pass --key <hex> or set CREATOR_PRIVATE_KEY (the creator's wallet signs the withdrawal)",
    );
    return 1;
  }
  const creator = privateKeyToAccount(key);
  const owned = catalog.apis.filter(
    (api) => api.split.creator.toLowerCase() === creator.address.toLowerCase(),
  );
  const chosen = slug ? owned.filter((api) => api.slug === slug) : owned;
  if (!chosen.length) {
    say(
      slug
        ? `402claw withdraw: ${creator.address} does not own an API named '${slug}'`
        : `402claw withdraw: ${creator.address} owns no API here`,
    );
    return 1;
  }
  const splitter = await splitterFor(catalog.payment.network, local, values.rpc ?? local?.rpc);
  for (const api of chosen) {
    const terms = resolveSplitTerms({
      apiSlug: api.slug,
      creator: api.split.creator,
      platformWallet: catalog.payment.platformWallet,
      platformFeeBps: api.split.platformFeeBps,
      minBps: api.split.platformFeeBps,
      maxBps: api.split.platformFeeBps,
    });
    const result = await splitter.withdrawCreatorShare(terms, catalog.payment.asset as Address, creator);
    if (result.nothingToWithdraw) {
      out(`${api.slug}: nothing to withdraw (${result.message})`);
      continue;
    }
    out(
      `${api.slug}: creator ${formatUsd(result.creatorPaid)} → ${creator.address}, platform ${formatUsd(result.platformPaid)} → ${terms.platform}`,
    );
    for (const hash of result.txHashes) out(`  tx ${hash}`);
    // The gateway records the payout rows from these transactions' on-chain transfers.
    const recorded = await recordPayouts({ gateway }, key, api.slug, result.txHashes);
    out(`  recorded ${recorded.payouts.length} payout row${recorded.payouts.length === 1 ? "" : "s"}`);
  }
  return 0;
}

/** Locally, the owner's development key of the API (or of the only local creator's APIs). */
function localCreatorKey(
  local: ReturnType<typeof readDevSettings>,
  apis: ReadonlyArray<{ slug: string; split: { creator: string } }>,
  slug: string | undefined,
): string | undefined {
  if (!local?.creators) return undefined;
  const owner = slug ? apis.find((api) => api.slug === slug)?.split.creator : undefined;
  const creator = owner
    ? local.creators.find((c) => c.address.toLowerCase() === owner.toLowerCase())
    : local.creators.length === 1
      ? local.creators[0]
      : undefined;
  return creator?.privateKey;
}
