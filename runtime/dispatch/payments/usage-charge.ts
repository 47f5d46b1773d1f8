import { parseUsdPrice } from "../../../core/price.ts";

/**
 * The header a function sets to charge less than its price for this call (usage pricing): a USD
 * amount such as `$0.0004`, or token units such as `400`. The API's price is the maximum.
 */
export const CHARGE_HEADER = "x-402claw-charge";
/** x402's header for a partial settlement (read by @x402/hono from the handler's response). */
const SETTLEMENT_OVERRIDES = "settlement-overrides";

const reported = new WeakMap<Response, string>();

/**
 * Remembers what the creator's raw response asked to be charged, on the sanitized response that
 * is served (sanitizing drops every `x-402claw-*` header a creator sends).
 */
export function withReportedCharge(sanitized: Response, raw: Response): Response {
  const charge = raw.headers.get(CHARGE_HEADER);
  if (charge !== null) reported.set(sanitized, charge);
  return sanitized;
}

/** The reported charge in token units, if it is a valid amount within `maxAtomic`; undefined otherwise. */
export function reportedCharge(response: Response, maxAtomic: string): bigint | undefined {
  const text = reported.get(response)?.trim();
  if (text === undefined) return undefined;
  const units = /^\d{1,30}$/.test(text) ? BigInt(text) : parseUsdPrice(text);
  if (units === undefined || units > BigInt(maxAtomic)) return undefined;
  return units;
}

/**
 * A batch-settlement voucher is charged what the function reported (x402's settlement override);
 * the voucher still signed for the maximum. `exact` payments always pay the price.
 */
export function withSettlementOverride(response: Response, units: bigint): Response {
  const headers = new Headers(response.headers);
  headers.set(SETTLEMENT_OVERRIDES, JSON.stringify({ amount: units.toString() }));
  headers.set(CHARGE_HEADER, units.toString());
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
