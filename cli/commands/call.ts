import { decodePaymentResponseHeader } from "@x402/core/http";
import type { PaymentRequirements } from "@x402/core/types";
import { createPayingFetch, PriceAboveMaxError } from "../../client/paying-fetch.ts";
import { formatUsd, parseUsdPrice } from "../../core/price.ts";
import { parseCommandArgs } from "../args.ts";
import { say } from "../output.ts";
import { batchOptionsFor, chooseWallet } from "../payer-wallet.ts";

const DEFAULT_MAX = "$0.10";

const HELP = `Usage: 402claw call <url> [-X METHOD] [-d BODY] [-H 'Name: value']... [--max <usd>] [--key <hex>]
                            [--deposit <usd>] [--exact] [--rpc <url>]

Calls a paid API and pays with x402 (the official @x402/fetch client): an unpaid request answers
402 with the price and the client pays. Where the API offers batch-settlement, the client opens a
payment channel with one deposit and then signs a voucher per call (no transaction per call); the
channel is kept on disk, so later calls reuse it. Otherwise (or with --exact) it signs an
EIP-3009 authorization for this one call.
  --max <usd>   refuse to pay more than this per call (default "${DEFAULT_MAX}")
  --deposit <usd>  deposit at least this much when opening or topping up a channel (default: what
                the API suggests, e.g. 100 calls' worth); withdraw what is unused by letting the
                marketplace refund idle channels, or with the contract's timed withdrawal
  --exact       pay each call with exact, never with a channel
  --rpc <url>   the chain's JSON-RPC (batch-settlement reads the channel there; default for the
                local gateway: the local chain)
  --key <hex>   the paying wallet's private key (or env PAYER_PRIVATE_KEY); without one, calls to
                the local gateway pay as the demo wallet from .local/dev.json
Prints the response body to stdout and the receipt (amount, payTo, transaction) to stderr.
Exits non-zero when the call fails or would cost more than --max.`;

export async function runCall(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    X: { type: "string", short: "X" },
    d: { type: "string", short: "d" },
    H: { type: "string", short: "H", multiple: true },
    max: { type: "string", default: DEFAULT_MAX },
    key: { type: "string" },
    deposit: { type: "string" },
    exact: { type: "boolean" },
    rpc: { type: "string" },
  });
  if (values.help) {
    say(HELP);
    return 0;
  }
  const url = positionals[0];
  if (!url || !/^https?:\/\//.test(url)) {
    say(
      `402claw call: give the URL to call, e.g. 402claw call http://127.0.0.1:8787/world-cities\n\n${HELP}`,
    );
    return 1;
  }
  const maxAmount = parseUsdPrice(values.max!);
  if (maxAmount === undefined) {
    say(`402claw call: --max ${values.max} is not a USD amount like "$0.05"`);
    return 1;
  }
  const wallet = chooseWallet(url, values.key);
  if (typeof wallet === "string") {
    say(`402claw call: ${wallet}`);
    return 1;
  }
  const deposit = values.deposit === undefined ? undefined : parseUsdPrice(values.deposit);
  if (values.deposit !== undefined && deposit === undefined) {
    say(`402claw call: --deposit ${values.deposit} is not a USD amount like "$0.50"`);
    return 1;
  }
  let chosen: PaymentRequirements | undefined;
  const batch = batchOptionsFor(wallet, {
    ...(values.rpc !== undefined ? { rpc: values.rpc } : {}),
    ...(values.exact ? { exact: true } : {}),
    ...(deposit !== undefined ? { depositUnits: deposit } : {}),
  });
  const paying = createPayingFetch({
    ...wallet,
    maxAmount,
    ...(batch ? { batch } : {}),
    onPay: (requirements) => (chosen = requirements),
  });
  const headers = new Headers();
  for (const header of values.H ?? []) {
    const at = header.indexOf(":");
    if (at < 1) {
      say(`402claw call: -H '${header}' is not 'Name: value'`);
      return 1;
    }
    headers.append(header.slice(0, at).trim(), header.slice(at + 1).trim());
  }
  let response: Response;
  try {
    response = await paying(url, {
      method: values.X ?? (values.d ? "POST" : "GET"),
      headers,
      ...(values.d !== undefined ? { body: values.d } : {}),
    });
  } catch (error) {
    const refused = priceAboveMax(error);
    if (refused) {
      say(`402claw call: refused to pay ${formatUsd(refused)}: above --max ${values.max}`);
      return 2;
    }
    say(`402claw call: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  process.stdout.write(await response.text());
  process.stdout.write("\n");
  printReceipt(response, chosen);
  return response.ok ? 0 : 1;
}

/** The price the client refused to pay, if that is why the call failed (x402 wraps the policy's error). */
function priceAboveMax(error: unknown): bigint | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof PriceAboveMaxError) return cause.amount;
  }
  const asked = /the API asks (\d+) token units, above/.exec(error instanceof Error ? error.message : "");
  return asked ? BigInt(asked[1]!) : undefined;
}

function printReceipt(response: Response, chosen: PaymentRequirements | undefined): void {
  const header = response.headers.get("payment-response");
  if (!header) {
    say(`status ${response.status}${chosen ? ": not charged" : ""}`);
    return;
  }
  const receipt = decodePaymentResponseHeader(header);
  const channel = (
    receipt.extra as { channelState?: { channelId?: string; chargedCumulativeAmount?: string } }
  )?.channelState;
  say(
    [
      `status ${response.status}, paid ${chosen ? formatUsd(BigInt(chosen.amount)) : "?"}`,
      `  scheme      ${chosen?.scheme ?? "?"}`,
      `  payTo       ${chosen?.payTo ?? "?"}`,
      `  network     ${receipt.network}`,
      ...(channel?.chargedCumulativeAmount
        ? [`  channel     charged ${formatUsd(BigInt(channel.chargedCumulativeAmount))} so far`]
        : []),
      // A voucher moves no tokens by itself: it is claimed later, in a batch with others.
      `  transaction ${receipt.transaction || "none (a voucher, claimed later in a batch)"}`,
    ].join("\n"),
  );
}
