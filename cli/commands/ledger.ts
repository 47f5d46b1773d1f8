import { type Address, createPublicClient, http, parseAbiItem } from "viem";
import { formatUsd } from "../../core/price.ts";
import { parseCommandArgs } from "../args.ts";
import { adminFetch, type DevSettings, requireDevSettings } from "../dev-settings.ts";
import { out, say } from "../output.ts";

const TRANSFER = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

const HELP = `Usage: 402claw ledger [--no-check]

Sums the marketplace's payments per API (settled, failed, unknown) from D1, then checks that the
settled sum per payTo equals the tokens that actually reached that address on the chain.
Exit 1 when they disagree. Uses the running local marketplace (.local/dev.json).`;

interface LedgerLine {
  api: string;
  payTo: string;
  state: string;
  payments: number;
  amount: string;
}

export async function runLedger(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { "no-check": { type: "boolean" } }, false);
  if (values.help) {
    say(HELP);
    return 0;
  }
  const settings = requireDevSettings();
  const { lines } = (await adminFetch(settings, "/admin/ledger")) as { lines: LedgerLine[] };
  out("api                   state     payments  amount");
  for (const line of lines) {
    out(
      `${line.api.padEnd(21)} ${line.state.padEnd(9)} ${String(line.payments).padStart(8)}  ${formatUsd(BigInt(line.amount))}`,
    );
  }
  if (values["no-check"]) return 0;
  const problems = await checkAgainstChain(settings, lines);
  for (const problem of problems) say(problem);
  say(
    problems.length
      ? "ledger and chain DISAGREE"
      : "ledger agrees with the chain: settled sum per payTo = tokens received",
  );
  return problems.length ? 1 : 0;
}

/** Settled sum per payTo in the ledger vs the token transfers into that address on chain. */
async function checkAgainstChain(settings: DevSettings, lines: readonly LedgerLine[]): Promise<string[]> {
  const settled = new Map<string, bigint>();
  for (const line of lines) {
    if (line.state !== "settled") continue;
    const key = line.payTo.toLowerCase();
    settled.set(key, (settled.get(key) ?? 0n) + BigInt(line.amount));
  }
  const client = createPublicClient({ transport: http(settings.rpc) });
  const problems: string[] = [];
  for (const [payTo, expected] of settled) {
    const logs = await client.getLogs({
      address: settings.asset,
      event: TRANSFER,
      args: { to: payTo as Address },
      fromBlock: 0n,
    });
    const received = logs.reduce((sum, log) => sum + (log.args.value ?? 0n), 0n);
    out(`payTo ${payTo}: ledger ${formatUsd(expected)}, chain ${formatUsd(received)}`);
    if (received !== expected)
      problems.push(`payTo ${payTo}: ledger says ${expected}, chain received ${received} (token units)`);
  }
  return problems;
}
