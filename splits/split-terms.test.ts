import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.ts";
import {
  creatorShareBps,
  type ResolveSplitTermsInput,
  resolveSplitTerms,
  SplitTermsError,
} from "./split-terms.ts";

const base: ResolveSplitTermsInput = {
  apiSlug: "weather",
  creator: "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  platformWallet: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  platformFeeBps: 1000,
  minBps: 500,
  maxBps: 3000,
};

function fieldOf(input: ResolveSplitTermsInput): string | undefined {
  try {
    resolveSplitTerms(input);
    return undefined;
  } catch (error) {
    if (error instanceof SplitTermsError) return error.field;
    throw error;
  }
}

describe("resolveSplitTerms", () => {
  it("uses the stack fee and checksums both wallets", () => {
    const terms = resolveSplitTerms(base);
    expect(terms).toEqual({
      apiSlug: "weather",
      creator: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
      platform: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
      platformFeeBps: 1000,
    });
    expect(creatorShareBps(terms)).toBe(9000);
  });

  it("takes a per-API override within the platform's bounds, the bounds included", () => {
    expect(resolveSplitTerms({ ...base, overrideBps: 500 }).platformFeeBps).toBe(500);
    expect(resolveSplitTerms({ ...base, overrideBps: 3000 }).platformFeeBps).toBe(3000);
    expect(resolveSplitTerms({ ...base, overrideBps: 1234 }).platformFeeBps).toBe(1234);
  });

  it("refuses an override outside the bounds, naming the field and the bounds", () => {
    expect(() => resolveSplitTerms({ ...base, overrideBps: 499 })).toThrow(
      /overrideBps.*outside.*\[500, 3000\]/,
    );
    expect(fieldOf({ ...base, overrideBps: 3001 })).toBe("overrideBps");
  });

  it("refuses fees that are not whole basis points strictly between 0 and 10000", () => {
    for (const bad of [0, 10_000, -5, 12.5, Number.NaN]) {
      expect(fieldOf({ ...base, platformFeeBps: bad })).toBe("platformFeeBps");
      expect(fieldOf({ ...base, overrideBps: bad })).toBe("overrideBps");
    }
    expect(fieldOf({ ...base, minBps: 0 })).toBe("minBps");
    expect(fieldOf({ ...base, maxBps: 10_000 })).toBe("maxBps");
    expect(fieldOf({ ...base, minBps: 4000 })).toBe("minBps"); // above maxBps
  });

  it("refuses bad wallets and a creator who is the platform", () => {
    expect(fieldOf({ ...base, creator: "0x1234" })).toBe("creator");
    expect(fieldOf({ ...base, creator: "0x0000000000000000000000000000000000000000" })).toBe("creator");
    expect(fieldOf({ ...base, platformWallet: "vitalik.eth" })).toBe("platformWallet");
    expect(fieldOf({ ...base, creator: base.platformWallet.toLowerCase() })).toBe("creator");
  });

  it("refuses a slug that is not one, and is a ConfigError with a fix", () => {
    const error = (() => {
      try {
        resolveSplitTerms({ ...base, apiSlug: "../etc" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as SplitTermsError).field).toBe("apiSlug");
    expect((error as Error).message).toContain("Fix:");
  });
});
