import { type Hex, keccak256, stringToBytes } from "viem";

/**
 * The CREATE2 salt of an API's split: keccak256("402claw:" + slug). Derived from the slug alone so
 * the address is reproducible from the manifest; the recipients and shares are committed to by the
 * factory separately, so two APIs can never collide and a changed fee yields a new address.
 */
export function splitSalt(apiSlug: string): Hex {
  return keccak256(stringToBytes(`402claw:${apiSlug}`));
}
