import { type Address, getAddress, keccak256, slice, stringToBytes } from "viem";
import type { SplitTerms } from "../../splits/split-terms.ts";
import type { SplitPredictor } from "../split-predictor.ts";

/**
 * FAKE split address for program tests: a hash of every term, NOT the 0xSplits address (that needs
 * the factory on a real chain). Any change in slug, wallets or fee changes it, so a test that
 * expects `fakeSplitAddress(terms)` proves the program passed exactly those terms.
 */
export function fakeSplitAddress(terms: SplitTerms): Address {
  const key = [terms.apiSlug, terms.creator, terms.platform, terms.platformFeeBps].join("|");
  return getAddress(slice(keccak256(stringToBytes(`FAKE-SPLIT:${key}`)), 12));
}

/** A predictor that answers `fakeSplitAddress` and records the terms it was asked about. */
export function fakeSplitPredictor(): SplitPredictor & { calls: SplitTerms[] } {
  const calls: SplitTerms[] = [];
  return {
    source: "FAKE (tests: a hash of the terms, not a 0xSplits address)",
    calls,
    async predict(terms) {
      calls.push(terms);
      return fakeSplitAddress(terms);
    },
  };
}
