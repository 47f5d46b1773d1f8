import { x402Client } from "@x402/core/client";
import type { PaymentRequirements } from "@x402/core/types";
import { toClientEvmSigner } from "@x402/evm";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/client";
import { FileClientChannelStorage } from "@x402/evm/batch-settlement/client/file-storage";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import { createPublicClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface PayingFetchOptions {
  privateKey: Hex;
  /** CAIP-2 network the wallet pays on, e.g. eip155:31337. */
  network: `${string}:${string}`;
  /** The token the marketplace charges in; without it, only assets the x402 client knows (USDC). */
  asset?: string;
  /** Refuse any single payment above this many token units. */
  maxAmount: bigint;
  /** Called with the requirements the client chose, before it signs. */
  onPay?: (requirements: PaymentRequirements) => void;
  /**
   * Pay with batch-settlement where offered (a deposit into a payment channel once, then a signed
   * voucher per call), falling back to exact. Channel state is kept in `channelDir`, so later runs
   * reuse the channel; `rpcUrl` reads the channel on chain when that state is lost.
   */
  batch?: { rpcUrl: string; channelDir: string; depositUnits?: bigint };
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
  options: PayingFetchOptions,
  baseFetch: typeof fetch = fetch,
): typeof fetch {
  const account = privateKeyToAccount(options.privateKey);
  const client = new x402Client();
  if (options.batch) {
    const { rpcUrl, channelDir, depositUnits } = options.batch;
    const signer = toClientEvmSigner(account, createPublicClient({ transport: http(rpcUrl) }));
    client.register(
      options.network,
      new BatchSettlementEvmScheme(signer, {
        storage: new FileClientChannelStorage({ directory: channelDir }),
        // --deposit: at least this much per deposit (never less than the call needs).
        ...(depositUnits
          ? {
              depositStrategy: ({ depositAmount }) =>
                (BigInt(depositAmount) > depositUnits ? BigInt(depositAmount) : depositUnits).toString(),
            }
          : {}),
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
  return wrapFetchWithPayment(baseFetch, client);
}
