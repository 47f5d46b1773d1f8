import { formatUsd } from "../../core/price.ts";
import type { LogLine, LogsResponse } from "../../runtime/dispatch/creators/responses.ts";
import { parseCommandArgs } from "../args.ts";
import { CreatorApiError, creatorFetch, signInAsCreator } from "../creator-session.ts";
import { chooseCreatorWallets } from "../creator-wallets.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw logs <slug> [--follow] [--limit <n>] [--key <hex>] [--gateway <url>]

Prints your API's recent paid calls, oldest first: time, payer, payment state, the API's response
status, amount, latency and the settlement transaction. Only the API's owner can read them.
  --follow, -f     keep printing new calls (and calls whose payment changes state) until Ctrl-C
  --limit <n>      how many recent calls to show first (default 20, at most 500)
  --key <hex>      your wallet's private key (or env CREATOR_PRIVATE_KEY); without one, on the
                   local marketplace, the owner of <slug> from .local/dev.json
  --gateway <url>  the marketplace (or env CLAW_GATEWAY; default: the local one)`;

const POLL_MS = 1_000;
// Payments reach the gateway's database when they are final, a little after the call; an
// `unknown` one may settle minutes later. Each poll looks back this far and prints what changed.
const LOOKBACK_MS = 5 * 60_000;

export async function runLogs(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    follow: { type: "boolean", short: "f" },
    limit: { type: "string", default: "20" },
    key: { type: "string" },
    gateway: { type: "string" },
  });
  if (values.help) {
    say(HELP);
    return 0;
  }
  const slug = positionals[0];
  if (!slug || positionals.length > 1) {
    say(`402claw logs: give one API slug, e.g. 402claw logs world-cities\n\n${HELP}`);
    return 1;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    say("402claw logs: --limit must be a whole number from 1 to 500");
    return 1;
  }
  const choice = chooseCreatorWallets({ key: values.key, slug, gateway: values.gateway });
  if (typeof choice === "string") {
    say(`402claw logs: ${choice}`);
    return 1;
  }
  const wallet = choice.wallets[0]!;
  let session = await signInAsCreator(choice.gateway, wallet.privateKey);
  const read = async (since: number, count: number) => {
    const path = `/creators/me/logs?slug=${encodeURIComponent(slug)}&since=${since}&limit=${count}`;
    try {
      return (await creatorFetch<LogsResponse>(session, path)).calls;
    } catch (error) {
      // Sessions last an hour; a long --follow signs in again rather than stopping.
      if (!(error instanceof CreatorApiError && error.code === "session_expired")) throw error;
      session = await signInAsCreator(choice.gateway, wallet.privateKey);
      return (await creatorFetch<LogsResponse>(session, path)).calls;
    }
  };

  out(header());
  const printed = new Map<string, { state: string; createdAt: number }>();
  const print = (calls: readonly LogLine[]) => {
    for (const call of [...calls].reverse()) {
      if (printed.get(call.id)?.state === call.state) continue;
      printed.set(call.id, { state: call.state, createdAt: call.createdAt });
      out(logLine(call));
    }
  };
  print(await read(0, limit));
  if (!values.follow) return 0;
  return follow(read, print, printed);
}

async function follow(
  read: (since: number, count: number) => Promise<LogLine[]>,
  print: (calls: readonly LogLine[]) => void,
  printed: Map<string, { state: string; createdAt: number }>,
): Promise<number> {
  let stopped = false;
  process.once("SIGINT", () => {
    stopped = true;
  });
  let newest = Math.max(Date.now(), ...[...printed.values()].map((seen) => seen.createdAt));
  let failing = false;
  while (!stopped) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (stopped) break;
    try {
      const since = newest - LOOKBACK_MS;
      print(await read(since, 500));
      failing = false;
      for (const [id, seen] of printed) if (seen.createdAt < since) printed.delete(id);
      for (const seen of printed.values()) newest = Math.max(newest, seen.createdAt);
    } catch (error) {
      if (!failing) say(`402claw logs: ${error instanceof Error ? error.message : String(error)} (retrying)`);
      failing = true;
    }
  }
  return 0;
}

function header(): string {
  return `${"time".padEnd(25)}${"payer".padEnd(43)}${"state".padEnd(9)}${"status".padStart(6)}${"amount".padStart(11)}${"latency".padStart(9)}  tx`;
}

/** One call as a line of the log. */
export function logLine(call: LogLine): string {
  return (
    `${call.time.padEnd(25)}${call.payer.padEnd(43)}${call.state.padEnd(9)}` +
    `${String(call.responseStatus ?? "-").padStart(6)}${formatUsd(BigInt(call.amount)).padStart(11)}` +
    `${(call.latencyMs === null ? "-" : `${call.latencyMs} ms`).padStart(9)}  ${call.txHash ?? "-"}` +
    (call.error && call.state !== "settled" ? `  (${call.error})` : "")
  );
}
