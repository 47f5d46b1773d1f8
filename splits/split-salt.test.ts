import { keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { splitSalt } from "./split-salt.ts";

describe("splitSalt", () => {
  it("is keccak256 of '402claw:' + slug, distinct per slug", () => {
    expect(splitSalt("weather")).toBe(keccak256(toHex("402claw:weather")));
    expect(splitSalt("weather")).toBe("0x06f3ad7f8034b05ff68cfb994611d9fc6331b8b04eccf827460f2af21f5f7399");
    expect(splitSalt("weather")).not.toBe(splitSalt("weather2"));
  });
});
