import { type Address, getAddress, isAddress, zeroAddress } from "viem";
import { ConfigError } from "../core/errors.ts";

/** Shares are expressed in basis points of this total (10000 = 100%). */
export const BPS_TOTAL = 10_000;

/** Who gets what from one API's payments: the creator keeps the rest after the platform fee. */
export interface SplitTerms {
  apiSlug: string;
  creator: Address;
  platform: Address;
  /** The platform's share in basis points, strictly between 0 and 10000. */
  platformFeeBps: number;
}

/** A split setting that cannot be used; `field` names the input that is wrong. */
export class SplitTermsError extends ConfigError {
  constructor(
    readonly field:
      | "apiSlug"
      | "creator"
      | "platformWallet"
      | "platformFeeBps"
      | "overrideBps"
      | "minBps"
      | "maxBps",
    problem: string,
    fix: string,
  ) {
    super(field, problem, fix);
    this.name = "SplitTermsError";
  }
}

export interface ResolveSplitTermsInput {
  apiSlug: string;
  creator: string;
  platformWallet: string;
  /** The stack-wide fee (stack config `platformFeeBps`). */
  platformFeeBps: number;
  /** A per-API fee from the manifest; must lie within [minBps, maxBps]. */
  overrideBps?: number | undefined;
  /** The lowest per-API fee the platform accepts. */
  minBps: number;
  /** The highest per-API fee the platform accepts. */
  maxBps: number;
}

/** Validates the stack fee, the per-API override and both wallets, and returns the API's split terms. */
export function resolveSplitTerms(input: ResolveSplitTermsInput): SplitTerms {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(input.apiSlug)) {
    throw new SplitTermsError(
      "apiSlug",
      `"${input.apiSlug}" is not a slug`,
      "use lowercase letters, digits and -",
    );
  }
  const creator = wallet(input.creator, "creator");
  const platform = wallet(input.platformWallet, "platformWallet");
  if (creator === platform) {
    throw new SplitTermsError(
      "creator",
      `the creator wallet ${creator} is the platform wallet`,
      "a split needs two distinct recipients; give the API its creator's own wallet",
    );
  }
  feeBps(input.platformFeeBps, "platformFeeBps");
  feeBps(input.minBps, "minBps");
  feeBps(input.maxBps, "maxBps");
  if (input.minBps > input.maxBps) {
    throw new SplitTermsError(
      "minBps",
      `minBps ${input.minBps} is above maxBps ${input.maxBps}`,
      "swap them",
    );
  }
  if (input.overrideBps === undefined) {
    return { apiSlug: input.apiSlug, creator, platform, platformFeeBps: input.platformFeeBps };
  }
  feeBps(input.overrideBps, "overrideBps");
  if (input.overrideBps < input.minBps || input.overrideBps > input.maxBps) {
    throw new SplitTermsError(
      "overrideBps",
      `${input.overrideBps} bps is outside the platform's bounds [${input.minBps}, ${input.maxBps}]`,
      `pick a fee between ${input.minBps} and ${input.maxBps} bps, or drop the override to use the stack fee`,
    );
  }
  return { apiSlug: input.apiSlug, creator, platform, platformFeeBps: input.overrideBps };
}

/** The creator's share of the split in basis points. */
export function creatorShareBps(terms: SplitTerms): number {
  return BPS_TOTAL - terms.platformFeeBps;
}

function wallet(value: string, field: "creator" | "platformWallet"): Address {
  if (!isAddress(value, { strict: false }) || getAddress(value) === zeroAddress) {
    throw new SplitTermsError(
      field,
      `"${value}" is not a wallet address`,
      "use a 0x-prefixed 20-byte address",
    );
  }
  return getAddress(value);
}

// Both recipients must get a non-zero share: PaymentSplitter refuses 0 shares, and a 0% or
// 100% "split" is a misconfiguration rather than a choice.
function feeBps(value: number, field: "platformFeeBps" | "overrideBps" | "minBps" | "maxBps"): void {
  if (!Number.isInteger(value) || value <= 0 || value >= BPS_TOTAL) {
    throw new SplitTermsError(
      field,
      `${value} is not a fee in basis points strictly between 0 and ${BPS_TOTAL}`,
      "use a whole number of basis points, e.g. 1000 for 10%",
    );
  }
}
