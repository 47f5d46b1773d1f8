import { x402Client } from "@x402/core/client";
import type { PaymentRequirements } from "@x402/core/types";
import { toClientEvmSigner } from "@x402/evm";
import {
  type BatchSettlementDepositStrategy,
  BatchSettlementEvmScheme,
} from "@x402/evm/batch-settlement/client";
import { FileClientChannelStorage } from "@x402/evm/batch-settlement/client/file-storage";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import { createPublicClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { wrapFetchReusingQuotes } from "./reuse-quotes.ts";

export interface PayingClientOptions {
  privateKey: Hex;
  /** CAIP-2 network the wallet pays on, e.g. eip155:31337. */
  network: `${string}:${string}`;
  /** The token the marketplace charges in; without it, only assets the x402 client knows (USDC). */
  asset?: string;
  /** Refuse any single payment above this many token units. */
  maxAmount: bigint;
  /**
   * Pay in one round trip once an API's 402 is known (reuse-quotes.ts): later calls to the same URL
   * send their payment with the request instead of asking for the 402 again.
   */
  reuseQuotes?: boolean;
  /** Called with the requirements the client chose, before it signs. */
  onPay?: (requirements: PaymentRequirements) => void;
  /**
   * Pay with batch-settlement where offered (a deposit into a payment channel once, then a signed
   * voucher per call), falling back to exact. Channel state is kept in `channelDir`, so later runs
   * reuse the channel; `rpcUrl` reads the channel on chain when that state is lost.
   */
  batch?: {
    rpcUrl: string;
    channelDir: string;
    /** Deposit at least this much when opening or topping up a channel. */
    depositUnits?: bigint;
    /** Deposit at most this much (read when a deposit is signed), though never less than the call needs. */
    depositCap?: () => bigint;
  };
}

/** Thrown when an API asks for more than the caller allowed. */
export class PriceAboveMaxError extends Error {
  constructor(
    readonly amount: bigint,
    readonly maxAmount: bigint,
  ) {
    super(`the API asks ${amount} token units, above the ${maxAmount} allowed (--max)`);
    this.name = "PriceAboveMaxError";
  }
}

/** `fetch` that answers a 402 by paying with the official @x402/fetch client, within a price cap. */
export function createPayingFetch(
  options: PayingClientOptions,
  baseFetch: typeof fetch = fetch,
): typeof fetch {
  const client = createPayingClient(options);
  return options.reuseQuotes
    ? wrapFetchReusingQuotes(baseFetch, client)
    : wrapFetchWithPayment(baseFetch, client);
}

/**
 * The official x402 client for a wallet: batch-settlement (channels kept in `batch.channelDir`)
 * before exact where offered, within a price cap. Transports (fetch, MCP) hand it each 402 and
 * each payment response.
 */
export function createPayingClient(options: PayingClientOptions): x402Client {
  const account = privateKeyToAccount(options.privateKey);
  const client = new x402Client();
  if (options.batch) {
    const { rpcUrl, channelDir } = options.batch;
    const signer = toClientEvmSigner(account, createPublicClient({ transport: http(rpcUrl) }));
    client.register(
      options.network,
      new BatchSettlementEvmScheme(signer, {
        storage: new FileClientChannelStorage({ directory: channelDir }),
        depositStrategy: depositStrategyFor(options.batch),
      }),
    );
  }
  client
    .register(options.network, new ExactEvmScheme(account))
    .setSpendControls(
      options.asset ? { allowedAssets: [{ network: options.network, asset: options.asset }] } : {},
    )
    .registerPolicy((_version, requirements) => {
      const affordable = requirements.filter((option) => BigInt(option.amount) <= options.maxAmount);
      if (affordable.length === 0 && requirements[0]) {
        throw new PriceAboveMaxError(BigInt(requirements[0].amount), options.maxAmount);
      }
      return affordable;
    });
  if (options.onPay) {
    const onPay = options.onPay;
    client.onAfterPaymentCreation(async ({ selectedRequirements }) => onPay(selectedRequirements));
  }
  return client;
}

/**
 * Deposit sizing: the SDK's suggestion (the API's minDeposit), raised to --deposit, then lowered to
 * the cap; never below what this call needs (the SDK refuses that).
 */
function depositStrategyFor(
  batch: NonNullable<PayingClientOptions["batch"]>,
): BatchSettlementDepositStrategy {
  return ({ depositAmount, minimumDepositAmount }) => {
    let amount = BigInt(depositAmount);
    if (batch.depositUnits !== undefined && batch.depositUnits > amount) amount = batch.depositUnits;
    const cap = batch.depositCap?.();
    if (cap !== undefined && amount > cap) amount = cap;
    const needed = BigInt(minimumDepositAmount);
    return (amount < needed ? needed : amount).toString();
  };
}
