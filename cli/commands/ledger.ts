import { type Address, createPublicClient, erc20Abi, http, parseAbiItem } from "viem";
import { formatUsd } from "../../core/price.ts";
import { checkSplitConsistency } from "../../splits/consistency.ts";
import { LOCAL_SPLIT_DUST } from "../../splits/local-payment-splitter.ts";
import { parseCommandArgs } from "../args.ts";
import { adminFetch, requireDevSettings } from "../dev-settings.ts";
import { type GatewayCatalog, readCatalog } from "../gateway-catalog.ts";
import { out, say } from "../output.ts";

const TRANSFER = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

const HELP = `Usage: 402claw ledger [--no-check]

Sums the marketplace's payments per API (settled, failed, unknown) from D1, then checks each API
against the chain: settled payments in the ledger = tokens received by the API's split = creator
payouts + platform payouts + balance still in the split (± the splitter's rounding dust).
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
  const catalog = await readCatalog(settings.gateway);
  // The check reads transfers straight out of each split: the local stand-in's model (0xSplits
  // pays through its warehouse), so its rounding rule applies.
  const problems = await checkAgainstChain(settings.rpc, catalog, lines, LOCAL_SPLIT_DUST);
  for (const problem of problems) say(problem);
  say(problems.length ? "ledger and chain DISAGREE" : "ledger agrees with the chain for every API's split");
  return problems.length ? 1 : 0;
}

/** Per API: the ledger's settled sum vs what the split received, paid out and still holds on chain. */
async function checkAgainstChain(
  rpc: string,
  catalog: GatewayCatalog,
  lines: readonly LedgerLine[],
  dust: bigint,
): Promise<string[]> {
  const client = createPublicClient({ transport: http(rpc) });
  const asset = catalog.payment.asset;
  const sum = async (args: { from?: Address; to?: Address }) =>
    (await client.getLogs({ address: asset, event: TRANSFER, args, fromBlock: 0n })).reduce(
      (total, log) => total + (log.args.value ?? 0n),
      0n,
    );
  const problems: string[] = [];
  for (const api of catalog.apis) {
    const { payTo, creator } = api.split;
    const settledSum = lines
      .filter((line) => line.api === api.slug && line.state === "settled")
      .reduce((total, line) => total + BigInt(line.amount), 0n);
    const input = {
      settledSum,
      receivedBySplit: await sum({ to: payTo }),
      creatorPaid: await sum({ from: payTo, to: creator }),
      platformPaid: await sum({ from: payTo, to: catalog.payment.platformWallet }),
      balanceInSplit: await client.readContract({
        address: asset,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [payTo],
      }),
      dustTolerance: dust,
    };
    const result = checkSplitConsistency(input);
    out(
      `${api.slug.padEnd(21)} settled ${formatUsd(input.settledSum)} = received ${formatUsd(input.receivedBySplit)} = creator ${formatUsd(input.creatorPaid)} + platform ${formatUsd(input.platformPaid)} + in split ${formatUsd(input.balanceInSplit)}  ${result.ok ? "ok" : "MISMATCH"}`,
    );
    for (const discrepancy of result.discrepancies) problems.push(`${api.slug}: ${discrepancy.message}`);
  }
  return problems;
}
