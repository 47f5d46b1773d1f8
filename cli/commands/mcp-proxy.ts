import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { x402Client } from "@x402/core/client";
import type { PaymentRequired } from "@x402/core/types";
import type { ClientChannelStorage } from "@x402/evm/batch-settlement/client";
import { formatUsd } from "../../core/price.ts";
import type { SpendingBudget } from "./mcp-budget.ts";
import {
  channelOf,
  chargedBy,
  depositBy,
  type PaidToolResult,
  paymentRequiredOf,
  payToolCall,
  UnansweredPaymentError,
} from "./mcp-payment.ts";

/** A tool of this server itself; API slugs cannot contain "_", so it never shadows an API. */
export const SPENDING_TOOL = "spending_report";

export interface PayingProxyOptions {
  upstream: Client;
  spending: SpendingBudget;
  /** The official x402 client that signs (batch-settlement where offered, else exact). */
  payer: x402Client;
  /** Where the payer keeps its channels, read to report what is still unspent in them. */
  channels?: ClientChannelStorage;
}

/** The stdio server: the gateway's tools, each call paid on the 402 within the budget. */
export function payingProxy({ upstream, spending, payer, channels }: PayingProxyOptions): Server {
  const server = new Server(
    { name: "402claw", version: "1.0.0" },
    {
      capabilities: { tools: {} },
      instructions: `Pay-per-call marketplace APIs, one tool per API, paid automatically (at most ${formatUsd(spending.maxPerCall)} per call, ${formatUsd(spending.budget)} per session).`,
    },
  );
  // One paid call at a time per payment option: a channel takes one voucher at a time, and each
  // voucher builds on the previous one's total.
  const queue = new KeyedQueue();
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
  // The last quote of each tool: a later call carries its payment from the start (one request
  // instead of two), as x402's MCP transport allows. A refused payment for it falls back to asking.
  const quotes = new Map<string, PaymentRequired>();
  const paidInTurn = (request: ToolRequest, required: PaymentRequired, reusedQuote: boolean) => {
    const offers = required.accepts;
    return queue.run(`${offers[0]?.network}/${offers[0]?.payTo}`, () =>
      payWithinBudget(request, required, reusedQuote),
    );
  };
  server.setRequestHandler(CallToolRequestSchema, async (call) => {
    if (call.params.name === SPENDING_TOOL) return text(spending.summary());
    const request = { name: call.params.name, arguments: call.params.arguments ?? {} };
    const known = quotes.get(request.name);
    if (known) {
      const answer = await paidInTurn(request, known, true);
      if (answer) return answer;
      quotes.delete(request.name);
    }
    const first = (await upstream.callTool(request)) as CallToolResult;
    const required = paymentRequiredOf(first);
    if (!required) return first;
    quotes.set(request.name, required);
    return (await paidInTurn(request, required, false))!;
  });

  /**
   * Pays one call within the budget. With a reused quote, a payment the gateway refused with a new
   * PaymentRequired (the price changed) is not the caller's answer: it returns undefined, nothing
   * charged, and the call asks for the quote again.
   */
  async function payWithinBudget(
    request: ToolRequest,
    required: PaymentRequired,
    reusedQuote: boolean,
  ): Promise<CallToolResult | undefined> {
    // Reserve the dearest offer within --max-per-call (the client may pick any of them), then
    // count what the call was charged once the gateway confirms it.
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
    let paid: PaidToolResult;
    try {
      paid = await payToolCall(upstream, payer, request, { ...required, accepts: affordable });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof UnansweredPaymentError) {
        // Signed and sent, but no answer: the gateway may have charged it, so the budget counts it.
        spending.settle(reserve, reserve);
        return refused(
          `the paid call got no answer (${reason}); it may have been charged, so it counts as ${formatUsd(reserve)} spent; ${spending.summary()}`,
        );
      }
      spending.settle(reserve, 0n);
      return refused(`payment failed: ${reason}; not charged`);
    }
    const charged = chargedBy(paid);
    spending.settle(reserve, charged);
    if (reusedQuote && !paid.settlement && paymentRequiredOf(paid.result)) return undefined;
    const deposit = depositBy(paid);
    if (deposit) spending.deposited(deposit);
    await noteChannel(paid);
    const paidNote = charged ? `paid ${formatUsd(charged)}${howPaid(paid, deposit)}` : "not charged";
    const note = paid.clientError
      ? `${paidNote} (the x402 client could not record the payment response: ${paid.clientError})`
      : paidNote;
    return {
      ...paid.result,
      content: [...(paid.result.content ?? []), { type: "text", text: `${note}; ${spending.summary()}` }],
    };
  }

  /** After a channel call, what the channel holds and has been charged (the client's own record). */
  async function noteChannel(paid: PaidToolResult): Promise<void> {
    const channelId = channelOf(paid.payload);
    if (!channelId || !channels || paid.settlement?.success !== true) return;
    const state = await channels.get(channelId.toLowerCase());
    if (state?.balance === undefined) return;
    spending.channel(channelId, BigInt(state.balance), BigInt(state.chargedCumulativeAmount ?? "0"));
  }
  return server;
}

function howPaid(paid: PaidToolResult, deposit: bigint): string {
  if (!channelOf(paid.payload)) return "";
  return deposit
    ? ` with a channel voucher, after depositing ${formatUsd(deposit)} into the payment channel (locked, not spent)`
    : " with a channel voucher (no transaction)";
}

type ToolRequest = { name: string; arguments: Record<string, unknown> };

/** Runs tasks one after another per key, and concurrently across keys. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

function spendingTool(spending: SpendingBudget): Tool {
  return {
    name: SPENDING_TOOL,
    description: `What this session has paid so far and what is left of its ${formatUsd(spending.budget)} budget, and what it deposited into payment channels (locked, not spent) (free).`,
    inputSchema: { type: "object", properties: {} },
  };
}

function text(value: string): CallToolResult {
  return { content: [{ type: "text", text: value }] };
}

function refused(value: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: value }] };
}
