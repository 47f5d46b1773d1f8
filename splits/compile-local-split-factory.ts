import type { Abi, Hex } from "viem";
import { type CompileOptions, compileSolidity, contractOf } from "../chain/compile-solidity.ts";

const SOURCE_FILE = "LocalSplitFactory.sol";
const SPLITTER_SOURCE = "@openzeppelin/contracts/finance/PaymentSplitter.sol";

export interface CompiledContract {
  abi: Abi;
  /** Creation bytecode (constructor + runtime). */
  bytecode: Hex;
}

/** The local stand-in's contracts, compiled together so the splitter code the factory embeds is this one. */
export interface LocalSplitArtifacts {
  sourceHash: string;
  factory: CompiledContract;
  paymentSplitter: CompiledContract;
}

/** Compiles chain/contracts/LocalSplitFactory.sol (with OpenZeppelin's PaymentSplitter), cached. */
export async function compileLocalSplitFactory(options: CompileOptions = {}): Promise<LocalSplitArtifacts> {
  const compiled = await compileSolidity([SOURCE_FILE], options);
  const pick = (source: string, name: string): CompiledContract => {
    const { abi, bytecode } = contractOf(compiled, source, name);
    return { abi, bytecode };
  };
  return {
    sourceHash: compiled.sourceHash,
    factory: pick(SOURCE_FILE, "LocalSplitFactory"),
    paymentSplitter: pick(SPLITTER_SOURCE, "PaymentSplitter"),
  };
}
