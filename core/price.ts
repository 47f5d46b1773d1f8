/** USD prices as creators write them ("$0.001") and as tokens count them (6-decimal atomic units). */

export const USDC_DECIMALS = 6;
const PRICE_PATTERN = /^\$(\d{1,6})(?:\.(\d{1,6}))?$/;

/** Parses "$0.001" into atomic units (1000n); returns undefined for anything else. */
export function parseUsdPrice(price: string): bigint | undefined {
  const match = PRICE_PATTERN.exec(price);
  if (!match) return undefined;
  const whole = BigInt(match[1]!);
  const fraction = BigInt((match[2] ?? "").padEnd(USDC_DECIMALS, "0"));
  return whole * 10n ** BigInt(USDC_DECIMALS) + fraction;
}

/** Formats atomic units back to a "$0.001" string (no trailing zeros beyond cents). */
export function formatUsd(atomic: bigint): string {
  const negative = atomic < 0n;
  const abs = negative ? -atomic : atomic;
  const scale = 10n ** BigInt(USDC_DECIMALS);
  const whole = abs / scale;
  let fraction = (abs % scale).toString().padStart(USDC_DECIMALS, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}$${whole}.${fraction}`;
}
