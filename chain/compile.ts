import type { Hex } from "viem";
import {
  type CompileOptions,
  type ContractArtifact,
  compileSolidity,
  contractOf,
} from "./compile-solidity.ts";

export type { CompileOptions, ContractArtifact } from "./compile-solidity.ts";

/** The chain's own contracts, by name; each lives in chain/contracts/<Name>.sol. */
export const CONTRACT_NAMES = [
  "Usdc3009",
  "Multicall3",
  "X402BatchSettlement",
  "ERC3009DepositCollector",
] as const;
/** Sources the contracts import that produce no contract of their own (interfaces). */
const SUPPORT_FILES = ["IDepositCollector.sol"] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface Artifacts {
  sourceHash: string;
  compiler: string;
  contracts: Record<ContractName, ContractArtifact>;
}

/** Compiles the token, Multicall3 and the batch-settlement contracts with solc-js (cached; see compileSolidity). */
export async function compileContracts(options: CompileOptions = {}): Promise<Artifacts> {
  const compiled = await compileSolidity(
    [...CONTRACT_NAMES.map((name) => `${name}.sol`), ...SUPPORT_FILES],
    options,
  );
  const contracts = Object.fromEntries(
    CONTRACT_NAMES.map((name) => [name, contractOf(compiled, `${name}.sol`, name)]),
  ) as Record<ContractName, ContractArtifact>;
  return { sourceHash: compiled.sourceHash, compiler: compiled.compiler, contracts };
}

/** True when on-chain runtime code is this artifact's code, ignoring the bytes its constructor fills in. */
export function isSameRuntimeCode(artifact: ContractArtifact, onChain: Hex | undefined): boolean {
  if (!onChain || onChain === "0x") return false;
  const expected = artifact.deployedBytecode.slice(2).toLowerCase();
  const actual = onChain.slice(2).toLowerCase();
  if (expected.length !== actual.length) return false;
  const mask = (hex: string) => {
    let out = hex;
    for (const { start, length } of artifact.immutableRanges) {
      out = out.slice(0, start * 2) + "0".repeat(length * 2) + out.slice((start + length) * 2);
    }
    return out;
  };
  return mask(expected) === mask(actual);
}
