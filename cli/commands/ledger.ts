import { type Address, createPublicClient, erc20Abi, http, parseAbiItem } from "viem";
import { BATCH_SETTLEMENT_ADDRESS, batchSettlementAbi } from "../../chain/batch-settlement.ts";
import { formatUsd } from "../../core/price.ts";
import { checkChannelClaims, checkSplitConsistency } from "../../splits/consistency.ts";
import { LOCAL_SPLIT_DUST } from "../../splits/local-payment-splitter.ts";
import { parseCommandArgs } from "../args.ts";
import { adminFetch, requireDevSettings } from "../dev-settings.ts";
import { type GatewayCatalog, readCatalog } from "../gateway-catalog.ts";
import { out, say } from "../output.ts";

const TRANSFER = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

const HELP = `Usage: 402claw ledger [--no-check]

Sums the marketplace's payments per API from D1 — exact payments by state (settled, failed,
unknown) and batch-settlement vouchers (batch_charged: served and owed, batch_claimed: claimed on
chain, batch_settled: paid into the split) — then checks each API against the chain: settled exact
payments + settled vouchers in the ledger = tokens received by the API's split = creator payouts +
platform payouts + balance still in the split (± the splitter's rounding dust); and for every
payment channel, the vouchers the ledger records as claimed = what the contract says was claimed.
Exit 1 when they disagree. Uses the running local marketplace (.local/dev.json).`;

/** Ledger states whose tokens have reached the API's split. */
const IN_SPLIT = ["settled", "batch_settled"];

interface ChannelLine {
  channelId: string;
  payTo: string;
  charged: string;
  claimed: string;
}

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
  const { lines, channels = [] } = (await adminFetch(settings, "/admin/ledger")) as {
    lines: LedgerLine[];
    channels?: ChannelLine[];
  };
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
  const problems = [
    ...(await checkAgainstChain(settings.rpc, catalog, lines, LOCAL_SPLIT_DUST)),
    ...(await checkChannels(settings.rpc, channels)),
  ];
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
      .filter((line) => line.api === api.slug && IN_SPLIT.includes(line.state))
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

/** Per channel: vouchers claimed in the ledger vs the contract's `totalClaimed`. */
async function checkChannels(rpc: string, channels: readonly ChannelLine[]): Promise<string[]> {
  if (!channels.length) return [];
  const client = createPublicClient({ transport: http(rpc) });
  const inputs = [];
  for (const channel of channels) {
    const [, totalClaimed] = await client.readContract({
      address: BATCH_SETTLEMENT_ADDRESS,
      abi: batchSettlementAbi,
      functionName: "channels",
      args: [channel.channelId as `0x${string}`],
    });
    inputs.push({
      channelId: channel.channelId,
      claimedInLedger: BigInt(channel.claimed),
      claimedOnChain: totalClaimed,
    });
  }
  const problems = checkChannelClaims(inputs);
  const charged = channels.reduce((total, channel) => total + BigInt(channel.charged), 0n);
  const claimed = channels.reduce((total, channel) => total + BigInt(channel.claimed), 0n);
  out(
    `batch-settlement: ${channels.length} channel(s), charged ${formatUsd(charged)} = claimed ${formatUsd(claimed)} + outstanding ${formatUsd(charged - claimed)}  ${problems.length ? "MISMATCH" : "ok"}`,
  );
  return problems.map((problem) => problem.message);
}
