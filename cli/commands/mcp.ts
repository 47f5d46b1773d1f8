import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { x402Client } from "@x402/core/client";
import type { PaymentRequired } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { formatUsd, parseUsdPrice } from "../../core/price.ts";
import { parseCommandArgs } from "../args.ts";
import { readDevSettings } from "../dev-settings.ts";
import { say } from "../output.ts";
import { SpendingBudget } from "./mcp-budget.ts";

const DEFAULT_MAX_PER_CALL = "$0.01";
const DEFAULT_BUDGET = "$1";
/** A tool of this server itself; API slugs cannot contain "_", so it never shadows an API. */
const SPENDING_TOOL = "spending_report";

const HELP = `Usage: 402claw mcp [--gateway <url>] [--key <hex>] [--max-per-call <usd>] [--budget <usd>]

A stdio MCP server for desktop agents: it lists the marketplace's tools (one per API, from the
gateway's /mcp) and pays for each call automatically with x402, within limits:
  --gateway <url>         the marketplace (default: the local one from .local/dev.json)
  --key <hex>             the paying wallet's private key (or env PAYER_PRIVATE_KEY); without one,
                          the local gateway is paid by the demo wallet from .local/dev.json
  --max-per-call <usd>    refuse any call that costs more (default "${DEFAULT_MAX_PER_CALL}")
  --budget <usd>          refuse calls once this session has spent this much (default "${DEFAULT_BUDGET}")
A refused call is a tool error saying why; nothing is signed. Each paid result says what it cost
and what is left; the ${SPENDING_TOOL} tool reports the session's spending. On exit, the total is
printed to stderr.`;

type Wallet = { privateKey: Hex; network: `${string}:${string}`; asset?: string };

/** `402claw mcp`: stdio MCP server that proxies the gateway's tools and pays for them within limits. */
export async function runMcp(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      gateway: { type: "string" },
      key: { type: "string" },
      "max-per-call": { type: "string", default: DEFAULT_MAX_PER_CALL },
      budget: { type: "string", default: DEFAULT_BUDGET },
    },
    false,
  );
  if (values.help) {
    say(HELP);
    return 0;
  }
  const maxPerCall = parseUsdPrice(values["max-per-call"]!);
  const budget = parseUsdPrice(values.budget!);
  if (maxPerCall === undefined || budget === undefined) {
    say(`402claw mcp: --max-per-call and --budget are USD amounts like "$0.05"\n\n${HELP}`);
    return 1;
  }
  const dev = readDevSettings();
  const gateway = values.gateway ?? dev?.gateway;
  if (!gateway || !/^https?:\/\//.test(gateway)) {
    say("402claw mcp: give --gateway <url>, or start the local marketplace with `npm start`");
    return 1;
  }
  const local = dev && new URL(gateway).origin === new URL(dev.gateway).origin ? dev : undefined;
  const privateKey = (values.key ?? process.env.PAYER_PRIVATE_KEY ?? local?.payer.privateKey) as
    | Hex
    | undefined;
  if (!privateKey || !/^0x[0-9a-fA-F]{64}$/.test(privateKey)) {
    say("402claw mcp: no wallet: pass --key <hex> or set PAYER_PRIVATE_KEY (0x + 64 hex digits)");
    return 1;
  }
  const wallet: Wallet = local
    ? { privateKey, network: local.network, asset: local.asset }
    : { privateKey, network: "eip155:*" };
  const upstream = new Client({ name: "402claw-mcp", version: "1.0.0" });
  await upstream
    .connect(new StreamableHTTPClientTransport(new URL("/mcp", gateway)))
    .catch((error: unknown) => {
      throw new Error(
        `cannot reach ${gateway}/mcp: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  const spending = new SpendingBudget(maxPerCall, budget);
  const server = payingProxy(upstream, spending, payerFor(wallet));
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  // The client closing our stdin ends the session (the SDK's stdio transport does not watch for it).
  process.stdin.once("end", () => void server.close());
  say(`402claw mcp: serving ${gateway}/mcp over stdio; ${spending.summary()}`);
  await closed;
  await upstream.close();
  say(`402claw mcp: ${spending.summary()}`);
  return 0;
}

/** Signs x402 payments with the official client, for the offered requirement it picks. */
function payerFor(wallet: Wallet): x402Client {
  return new x402Client()
    .register(wallet.network, new ExactEvmScheme(privateKeyToAccount(wallet.privateKey)))
    .setSpendControls(
      wallet.asset ? { allowedAssets: [{ network: wallet.network, asset: wallet.asset }] } : {},
    );
}

/** The stdio server: the gateway's tools, each call paid on the 402 within the budget. */
function payingProxy(upstream: Client, spending: SpendingBudget, payer: x402Client): Server {
  const server = new Server(
    { name: "402claw", version: "1.0.0" },
    {
      capabilities: { tools: {} },
      instructions: `Pay-per-call marketplace APIs, one tool per API, paid automatically (at most ${formatUsd(spending.maxPerCall)} per call, ${formatUsd(spending.budget)} per session).`,
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await upstream.listTools(cursor ? { cursor } : {});
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return { tools: [...tools, spendingTool(spending)] };
  });
  server.setRequestHandler(CallToolRequestSchema, async (call) => {
    if (call.params.name === SPENDING_TOOL) return text(spending.summary());
    const request = { name: call.params.name, arguments: call.params.arguments ?? {} };
    const first = (await upstream.callTool(request)) as CallToolResult;
    const required = paymentRequiredOf(first);
    if (!required) return first;
    // Reserve the dearest offer within --max-per-call (the client may pick any of them), then
    // count what the chosen one cost once the gateway confirms the settlement.
    const affordable = required.accepts.filter((option) => BigInt(option.amount) <= spending.maxPerCall);
    const cheapest = required.accepts.reduce(
      (low, option) => (BigInt(option.amount) < low ? BigInt(option.amount) : low),
      BigInt(required.accepts[0]?.amount ?? 0),
    );
    const reserve = affordable.length
      ? affordable.reduce((high, option) => (BigInt(option.amount) > high ? BigInt(option.amount) : high), 0n)
      : cheapest;
    const refusal = spending.reserve(reserve);
    if (refusal) return refused(`not paid: ${refusal}; ${spending.summary()}`);
    let charged = 0n;
    try {
      const payload = await payer.createPaymentPayload({ ...required, accepts: affordable });
      const paid = (await upstream.callTool({
        ...request,
        _meta: { "x402/payment": payload },
      })) as CallToolResult;
      const settlement = paid._meta?.["x402/payment-response"] as { success?: boolean } | undefined;
      if (settlement?.success === true) charged = BigInt(payload.accepted.amount);
      spending.settle(reserve, charged);
      const note = charged
        ? `paid ${formatUsd(charged)}; ${spending.summary()}`
        : `not charged; ${spending.summary()}`;
      return { ...paid, content: [...(paid.content ?? []), { type: "text", text: note }] };
    } catch (error) {
      spending.settle(reserve, 0n);
      return refused(
        `payment failed: ${error instanceof Error ? error.message : String(error)}; not charged`,
      );
    }
  });
  return server;
}

/** The PaymentRequired of an unpaid call's result (x402's MCP transport), if that is what it is. */
function paymentRequiredOf(result: CallToolResult): PaymentRequired | undefined {
  if (!result.isError) return undefined;
  const structured = result.structuredContent as Partial<PaymentRequired> | undefined;
  if (structured?.x402Version && Array.isArray(structured.accepts)) return structured as PaymentRequired;
  const first = result.content?.[0];
  if (first?.type !== "text") return undefined;
  try {
    const wrapped = JSON.parse(first.text) as { "x402/error"?: { data?: PaymentRequired } };
    return wrapped["x402/error"]?.data;
  } catch {
    return undefined;
  }
}

function spendingTool(spending: SpendingBudget): Tool {
  return {
    name: SPENDING_TOOL,
    description: `What this session has paid so far and what is left of its ${formatUsd(spending.budget)} budget (free).`,
    inputSchema: { type: "object", properties: {} },
  };
}

function text(value: string): CallToolResult {
  return { content: [{ type: "text", text: value }] };
}

function refused(value: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: value }] };
}
