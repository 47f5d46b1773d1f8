import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { FileClientChannelStorage } from "@x402/evm/batch-settlement/client/file-storage";
import { createPayingClient } from "../../client/paying-fetch.ts";
import { parseUsdPrice } from "../../core/price.ts";
import { parseCommandArgs } from "../args.ts";
import { readDevSettings } from "../dev-settings.ts";
import { say } from "../output.ts";
import { batchOptionsFor, chooseWallet } from "../payer-wallet.ts";
import { SpendingBudget } from "./mcp-budget.ts";
import { payingProxy, SPENDING_TOOL } from "./mcp-proxy.ts";

const DEFAULT_MAX_PER_CALL = "$0.01";
const DEFAULT_BUDGET = "$1";

const HELP = `Usage: 402claw mcp [--gateway <url>] [--key <hex>] [--max-per-call <usd>] [--budget <usd>]
                           [--deposit <usd>] [--exact] [--rpc <url>]

A stdio MCP server for desktop agents: it lists the marketplace's tools (one per API, from the
gateway's /mcp) and pays for each call automatically with x402, within limits:
  --gateway <url>         the marketplace (default: the local one from .local/dev.json)
  --key <hex>             the paying wallet's private key (or env PAYER_PRIVATE_KEY); without one,
                          the local gateway is paid by the demo wallet from .local/dev.json
  --max-per-call <usd>    refuse any call that costs more (default "${DEFAULT_MAX_PER_CALL}")
  --budget <usd>          refuse calls once this session has been charged this much (default "${DEFAULT_BUDGET}")
  --deposit <usd>         where an API offers batch-settlement: deposit at least this much when
                          opening or topping up its payment channel (as 402claw call --deposit;
                          default: what the API suggests), but never more than is left of --budget
  --exact                 pay each call with exact (one transfer per call), never with a channel
  --rpc <url>             the chain's JSON-RPC, to read channels (default for the local gateway:
                          the local chain; without one, calls are paid with exact)
Where batch-settlement is offered, the first call to an API deposits into a payment channel and
every call (that one included) signs a voucher; later calls cost no transaction. Channels are kept
on disk with 402claw call's, so later sessions reuse them. The budget counts what calls were
charged (a voucher can charge less than the price, for usage-priced APIs); a deposit is not
spending, it is locked in the channel for later calls (or withdrawal), and reported apart.
A refused call is a tool error saying why; nothing is signed. A failed call is not charged. Each
paid result says what it cost and what is left; the ${SPENDING_TOOL} tool reports the session's
spending and deposits. On exit, the total is printed to stderr.`;

/** `402claw mcp`: stdio MCP server that proxies the gateway's tools and pays for them within limits. */
export async function runMcp(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      gateway: { type: "string" },
      key: { type: "string" },
      "max-per-call": { type: "string", default: DEFAULT_MAX_PER_CALL },
      budget: { type: "string", default: DEFAULT_BUDGET },
      deposit: { type: "string" },
      exact: { type: "boolean" },
      rpc: { type: "string" },
    },
    false,
  );
  if (values.help) {
    say(HELP);
    return 0;
  }
  const maxPerCall = parseUsdPrice(values["max-per-call"]!);
  const budget = parseUsdPrice(values.budget!);
  const deposit = values.deposit === undefined ? undefined : parseUsdPrice(values.deposit);
  if (
    maxPerCall === undefined ||
    budget === undefined ||
    (values.deposit !== undefined && deposit === undefined)
  ) {
    say(`402claw mcp: --max-per-call, --budget and --deposit are USD amounts like "$0.05"\n\n${HELP}`);
    return 1;
  }
  const gateway = values.gateway ?? readDevSettings()?.gateway;
  if (!gateway || !/^https?:\/\//.test(gateway)) {
    say("402claw mcp: give --gateway <url>, or start the local marketplace with `npm start`");
    return 1;
  }
  const wallet = chooseWallet(gateway, values.key);
  if (typeof wallet === "string") {
    say(`402claw mcp: ${wallet}`);
    return 1;
  }
  const upstream = new Client({ name: "402claw-mcp", version: "1.0.0" });
  await upstream
    .connect(new StreamableHTTPClientTransport(new URL("/mcp", gateway)))
    .catch((error: unknown) => {
      throw new Error(
        `cannot reach ${gateway}/mcp: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  const spending = new SpendingBudget(maxPerCall, budget);
  const batch = batchOptionsFor(wallet, {
    ...(values.rpc !== undefined ? { rpc: values.rpc } : {}),
    ...(values.exact ? { exact: true } : {}),
    ...(deposit !== undefined ? { depositUnits: deposit } : {}),
  });
  const payer = createPayingClient({
    ...wallet,
    maxAmount: maxPerCall,
    // A deposit locks funds without spending them; it never locks more than the session may still spend.
    ...(batch ? { batch: { ...batch, depositCap: () => spending.remaining } } : {}),
  });
  const channels = batch ? new FileClientChannelStorage({ directory: batch.channelDir }) : undefined;
  const server = payingProxy({ upstream, spending, payer, ...(channels ? { channels } : {}) });
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  // The client closing our stdin ends the session (the SDK's stdio transport does not watch for it).
  process.stdin.once("end", () => void server.close());
  const paying = batch ? "batch-settlement where offered, else exact" : "exact";
  say(`402claw mcp: serving ${gateway}/mcp over stdio, paying with ${paying}; ${spending.summary()}`);
  await closed;
  await upstream.close();
  say(`402claw mcp: ${spending.summary()}`);
  return 0;
}
