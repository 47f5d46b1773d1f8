import { type Address, concat, encodeAbiParameters, getAddress, getContractAddress, type Hex } from "viem";
import { splitSalt } from "./split-salt.ts";
import { creatorShareBps, type SplitTerms } from "./split-terms.ts";

// Pure and browser-safe (no compiler, no file system): the dashboard bundles it to withdraw.

/**
 * The PaymentSplitter address the factory deploys these terms to, computed offline exactly as
 * CREATE2 does: factory + salt(slug) + keccak256(PaymentSplitter creation code ++ abi.encode(payees, shares)).
 */
export function predictLocalSplitAddress(
  factory: Address,
  paymentSplitterBytecode: Hex,
  terms: SplitTerms,
): Address {
  const { payees, shares } = localSplitPayees(terms);
  const constructorArgs = encodeAbiParameters(
    [{ type: "address[]" }, { type: "uint256[]" }],
    [payees, shares],
  );
  return getContractAddress({
    opcode: "CREATE2",
    from: factory,
    salt: splitSalt(terms.apiSlug),
    bytecode: concat([paymentSplitterBytecode, constructorArgs]),
  });
}

/** PaymentSplitter shares are integers: basis points serve directly (creator first, platform second). */
export function localSplitPayees(terms: SplitTerms): {
  payees: [Address, Address];
  shares: [bigint, bigint];
} {
  return {
    payees: [getAddress(terms.creator), getAddress(terms.platform)],
    shares: [BigInt(creatorShareBps(terms)), BigInt(terms.platformFeeBps)],
  };
}
