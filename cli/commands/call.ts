import { homedir } from "node:os";
import { join } from "node:path";
import { decodePaymentResponseHeader } from "@x402/core/http";
import type { PaymentRequirements } from "@x402/core/types";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createPayingFetch, PriceAboveMaxError } from "../../client/paying-fetch.ts";
import { formatUsd, parseUsdPrice } from "../../core/price.ts";
import { localDir, projectRoot } from "../../local/paths.ts";
import { parseCommandArgs } from "../args.ts";
import { readDevSettings } from "../dev-settings.ts";
import { say } from "../output.ts";

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
  const rpcUrl = values.rpc ?? wallet.rpc;
  let chosen: PaymentRequirements | undefined;
  const paying = createPayingFetch({
    ...wallet,
    maxAmount,
    ...(rpcUrl && !values.exact
      ? {
          batch: {
            rpcUrl,
            channelDir: channelDirFor(wallet),
            ...(deposit !== undefined ? { depositUnits: deposit } : {}),
          },
        }
      : {}),
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

type Wallet = {
  privateKey: Hex;
  network: `${string}:${string}`;
  asset?: string;
  rpc?: string;
  local?: string;
};

/** The key from --key / PAYER_PRIVATE_KEY, or the local demo payer for the local gateway. */
function chooseWallet(url: string, key: string | undefined): Wallet | string {
  const dev = readDevSettings();
  const local = dev && new URL(url).origin === new URL(dev.gateway).origin ? dev : undefined;
  const privateKey = (key ?? process.env.PAYER_PRIVATE_KEY ?? local?.payer.privateKey) as Hex | undefined;
  if (!privateKey)
    return "no wallet: pass --key <hex> or set PAYER_PRIVATE_KEY (the demo payer is used only for the local gateway)";
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) return "the private key must be 0x followed by 64 hex digits";
  // Off the local chain, any EVM network, and only assets the x402 client knows (real USDC).
  return local
    ? { privateKey, network: local.network, asset: local.asset, rpc: local.rpc, local: local.gateway }
    : { privateKey, network: "eip155:*" };
}

/** Where this wallet's payment channels are kept: the project's .local/ for the local gateway, else ~/.402claw. */
function channelDirFor(wallet: Wallet): string {
  const address = privateKeyToAccount(wallet.privateKey).address.toLowerCase();
  const base = wallet.local
    ? join(localDir(projectRoot()), "channels")
    : join(homedir(), ".402claw", "channels");
  return join(base, address);
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
