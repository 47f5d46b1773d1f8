import type { RouteConfig } from "@x402/core/server";
import type { ApiRecord } from "../api-record.ts";
import { discoveryFor } from "./discovery-block.ts";
import { BATCH_SCHEME } from "./inspect-payment.ts";
import type { PaymentConfig } from "./payment-config.ts";

/** The 402's resource description is a summary (the catalog has the full text): this keeps the header small. */
const MAX_DESCRIPTION_CHARS = 300;

/**
 * How a usage-priced API's voucher is charged, in the batch-settlement offer's `extra` (x402 has no
 * standard field; the words follow x402scan's `pricingMode: "range"`): `amount` is the most a call
 * costs, and the voucher is charged what the call used, from `minAmount` up (per returned row:
 * `amountPerRow`). Exact payments always pay `amount`, so that offer carries none of this.
 */
export function usageTerms(api: ApiRecord): Record<string, string> {
  if (!api.pricing) return {};
  return {
    pricingMode: "range",
    minAmount: "0",
    maxAmount: api.priceAtomic,
    ...(api.pricing.unit === "row" ? { amountPerRow: api.pricing.perRowAtomic } : {}),
  };
}

/**
 * One API's x402 route: `batch-settlement` (when the platform holds a receiver-authorizer key) and
 * `exact` on the configured network and asset, both at the API's price and payTo (its split address), and a bounded Bazaar discovery block so agents know what they buy.
 * `settle: before` APIs use x402's upfront flow: the payment settles before the creator runs.
 */
export function routeConfigFor(api: ApiRecord, config: PaymentConfig, resourceUrl: string): RouteConfig {
  const description = `${api.title}: ${api.description}`;
  /** One scheme's offer: the same price, asset, payTo and token domain for every scheme. */
  const offer = (scheme: string, extra: Record<string, string>) => ({
    scheme,
    network: config.network,
    payTo: api.payTo,
    price: {
      amount: api.priceAtomic,
      asset: config.asset,
      extra: { name: config.assetName, version: config.assetVersion, ...extra },
    },
    maxTimeoutSeconds: config.maxTimeoutSeconds,
  });
  const exact = offer("exact", api.settleMode === "before" ? { paymentFlow: "upfront" } : {});
  // Payment channels first for clients that know them; the same price and payTo either way.
  // (batch-settlement has no upfront flow: a voucher is counted only once the creator answered.)
  const batch =
    config.batch &&
    offer(BATCH_SCHEME, {
      // The deposit the 402 suggests: enough for this many calls without a top-up transaction.
      minDeposit: (BigInt(api.priceAtomic) * BigInt(config.batch.minDepositCalls)).toString(),
      ...usageTerms(api),
    });
  return {
    accepts: batch ? [batch, exact] : exact,
    resource: resourceUrl,
    description:
      description.length <= MAX_DESCRIPTION_CHARS
        ? description
        : `${description.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`,
    mimeType: "application/json",
    extensions: discoveryFor(api),
  };
}
