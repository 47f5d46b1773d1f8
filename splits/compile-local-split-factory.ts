import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
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

// Same compiler settings as chain/compile.ts: identical inputs give byte-identical output, which
// is what makes the factory's CREATE2 address (and every split address) the same on every machine.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
} as const;

/**
 * Compiles chain/contracts/LocalSplitFactory.sol (with OpenZeppelin's PaymentSplitter) with solc-js,
 * cached in `<cacheDir>/local-split-<hash>.json`. Separate from chain/compile.ts, whose contract
 * list is fixed.
 */
export async function compileLocalSplitFactory(
  options: { cacheDir?: string; contractsDir?: string } = {},
): Promise<LocalSplitArtifacts> {
  const cacheDir = options.cacheDir ?? join(repoRoot, ".local", "artifacts");
  const contractsDir = options.contractsDir ?? join(repoRoot, "chain", "contracts");
  const source = await readFile(join(contractsDir, SOURCE_FILE), "utf8");
  const sourceHash = hashInputs(source);
  const cacheFile = join(cacheDir, `local-split-${sourceHash}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, "utf8")) as LocalSplitArtifacts;
  } catch {
    // cache miss: compile below
  }
  const artifacts = await runSolc(source, sourceHash);
  await mkdir(cacheDir, { recursive: true });
  // Write then rename so a concurrent reader never sees a half-written file.
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(artifacts));
  await rename(tmp, cacheFile);
  return artifacts;
}

function hashInputs(source: string): string {
  const solcVersion: string = require("solc/package.json").version;
  const ozVersion: string = require("@openzeppelin/contracts/package.json").version;
  return createHash("sha256")
    .update(JSON.stringify({ solcVersion, ozVersion, settings: SETTINGS, source }))
    .digest("hex")
    .slice(0, 16);
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

async function runSolc(source: string, sourceHash: string): Promise<LocalSplitArtifacts> {
  const solc = (await import("solc")).default;
  const input = { language: "Solidity", sources: { [SOURCE_FILE]: { content: source } }, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const pick = (file: string, name: string): CompiledContract => {
    const out = output.contracts?.[file]?.[name];
    if (!out) throw new Error(`solc produced no output for ${name} in ${file}`);
    return { abi: out.abi, bytecode: `0x${out.evm.bytecode.object}` };
  };
  return {
    sourceHash,
    factory: pick(SOURCE_FILE, "LocalSplitFactory"),
    paymentSplitter: pick(SPLITTER_SOURCE, "PaymentSplitter"),
  };
}

function findImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(path), "utf8") };
  } catch {
    return { error: `import not found: ${path}` };
  }
}
