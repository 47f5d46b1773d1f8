import { parseUsdPrice } from "../../../core/price.ts";
import type { UsagePricing } from "../../../core/usage-pricing.ts";
import { ROWS_HEADER } from "../../templates/data/rows-header.ts";

/**
 * The header a usage-priced function (`pricing: usage`) sets to what this call cost: a USD amount
 * such as `$0.0004`, or token units such as `400`. The API's price is the maximum.
 */
export const CHARGE_HEADER = "x-402claw-charge";
/** x402's header for a partial settlement (read by @x402/hono from the handler's response). */
const SETTLEMENT_OVERRIDES = "settlement-overrides";
/** Longest charge report read; anything longer is malformed. */
const MAX_REPORT_CHARS = 40;

/** The usage charge computed for a served response, in token units (before the max is applied). */
const charges = new WeakMap<Response, bigint>();

/**
 * What one call of a usage-priced API costs, in token units, before the maximum is applied;
 * undefined means "the price" (fixed pricing, or nothing was reported).
 * - per row (data APIs): rows returned × price per row, the rows counted by the platform's data
 *   worker; a response without the count is charged the price.
 * - reported (functions): the `x-402claw-charge` header; none charges the price. A report that
 *   cannot be read (not an amount, negative, more than 6 decimals) charges nothing: a creator's
 *   bug never costs the caller more than the creator asked for, and shows in the creator's revenue.
 */
export function usageCharge(pricing: UsagePricing | undefined, raw: Response): bigint | undefined {
  if (!pricing) return undefined;
  if (pricing.unit === "row") {
    const rows = raw.headers.get(ROWS_HEADER);
    if (rows === null || !/^\d{1,9}$/.test(rows)) return undefined;
    return BigInt(rows) * BigInt(pricing.perRowAtomic);
  }
  const text = raw.headers.get(CHARGE_HEADER)?.trim();
  if (text === undefined) return undefined;
  if (text.length > MAX_REPORT_CHARS) return 0n;
  const units = /^\d{1,30}$/.test(text) ? BigInt(text) : parseUsdPrice(text);
  return units ?? 0n;
}

/**
 * Remembers what a usage-priced API's call costs on the sanitized response that is served
 * (sanitizing drops every `x-402claw-*` header the creator's worker sent).
 */
export function withUsageCharge(
  sanitized: Response,
  raw: Response,
  pricing: UsagePricing | undefined,
): Response {
  const charge = usageCharge(pricing, raw);
  if (charge !== undefined) charges.set(sanitized, charge);
  return sanitized;
}

/**
 * The usage charge of a served response in token units, never above `maxAtomic` (a call never
 * costs more than the price the payer signed for); undefined when the call pays the price.
 */
export function reportedCharge(response: Response, maxAtomic: string): bigint | undefined {
  const charge = charges.get(response);
  if (charge === undefined) return undefined;
  const max = BigInt(maxAtomic);
  return charge > max ? max : charge;
}

/**
 * A batch-settlement voucher is charged the usage charge (x402's settlement override); the voucher
 * still signed for the maximum. `exact` payments always pay the price.
 */
export function withSettlementOverride(response: Response, units: bigint): Response {
  const headers = new Headers(response.headers);
  headers.set(SETTLEMENT_OVERRIDES, JSON.stringify({ amount: units.toString() }));
  headers.set(CHARGE_HEADER, units.toString());
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
