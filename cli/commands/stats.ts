import { formatUsd } from "../../core/price.ts";
import type { ApiStats, StatsResponse, WindowName } from "../../runtime/dispatch/creators/responses.ts";
import { parseCommandArgs } from "../args.ts";
import { creatorFetch, signInAsCreator } from "../creator-session.ts";
import { chooseCreatorWallets } from "../creator-wallets.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw stats [slug] [--key <hex>] [--gateway <url>] [--json]

Shows each of your APIs' calls and earnings for the last 24 hours, 7 days and all time: calls,
paid (settled) calls, failed (not charged) calls, unsettled payments, gross revenue, the platform
fee and your share, plus what has been paid out. Only the API's owner can read these: the CLI
signs in by signing a one-time message with your wallet (nothing is sent but the signature).
  slug             only this API
  --key <hex>      your wallet's private key (or env CREATOR_PRIVATE_KEY); without one, on the
                   local marketplace, the owner of <slug> (or every local creator) from .local/dev.json
  --gateway <url>  the marketplace (or env CLAW_GATEWAY; default: the local one)
  --json           print the gateway's JSON instead of a table`;

const WINDOW_LABELS: Record<WindowName, string> = { last24h: "24h", last7d: "7d", allTime: "all time" };

export async function runStats(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    key: { type: "string" },
    gateway: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) {
    say(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    say(`402claw stats: give at most one API slug\n\n${HELP}`);
    return 1;
  }
  const slug = positionals[0];
  const choice = chooseCreatorWallets({ key: values.key, slug, gateway: values.gateway });
  if (typeof choice === "string") {
    say(`402claw stats: ${choice}`);
    return 1;
  }
  const query = slug ? `?slug=${encodeURIComponent(slug)}` : "";
  const reports: StatsResponse[] = [];
  for (const wallet of choice.wallets) {
    const session = await signInAsCreator(choice.gateway, wallet.privateKey);
    reports.push(await creatorFetch<StatsResponse>(session, `/creators/me/stats${query}`));
  }
  if (values.json) out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  else for (const report of reports) out(statsTable(report));
  return 0;
}

/** The stats of one creator as a plain-text table (amounts in USD). */
export function statsTable(report: StatsResponse): string {
  const lines = [`creator ${report.address}`];
  if (report.apis.length === 0) return [...lines, "  owns no API on this marketplace", ""].join("\n");
  lines.push(
    row("api", "window", "calls", "paid", "failed", "unsettled", "gross", "platform fee", "creator share"),
  );
  for (const api of report.apis) lines.push(...apiRows(api));
  return `${lines.join("\n")}\n`;
}

function apiRows(api: ApiStats): string[] {
  const rows = (Object.keys(WINDOW_LABELS) as WindowName[]).map((name, index) => {
    const w = api.windows[name];
    return row(
      index === 0 ? api.slug : "",
      WINDOW_LABELS[name],
      String(w.calls),
      String(w.paidCalls),
      String(w.failedCalls),
      `${w.unsettled.payments} (${usd(w.unsettled.amount)})`,
      usd(w.revenue.gross),
      usd(w.revenue.platformFee),
      usd(w.revenue.creatorShare),
    );
  });
  const { creatorPaid, platformPaid, creatorUnpaid } = api.payouts;
  rows.push(
    `${"".padEnd(22)}fee ${api.platformFeeBps / 100}% · paid out: creator ${usd(creatorPaid)}, platform ` +
      `${usd(platformPaid)} · creator share not yet paid out ${usd(creatorUnpaid)} · payTo ${api.payTo}` +
      (api.status === "active" ? "" : ` · ${api.status}`),
  );
  return rows;
}

function row(...cells: string[]): string {
  const [slug, window, calls, paid, failed, unsettled, gross, fee, share] = cells;
  return (
    `${slug!.padEnd(22)}${window!.padEnd(10)}${calls!.padStart(6)}${paid!.padStart(6)}${failed!.padStart(8)}` +
    `  ${unsettled!.padEnd(14)}${gross!.padStart(12)}${fee!.padStart(14)}${share!.padStart(15)}`
  );
}

const usd = (atomic: string) => formatUsd(BigInt(atomic));
