import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** Byte ranges of a deployed bytecode that the constructor fills in (immutables). */
export interface ImmutableRange {
  start: number;
  length: number;
}

export interface ContractArtifact {
  abi: Abi;
  /** Creation bytecode (constructor + runtime), what a deploy transaction sends. */
  bytecode: Hex;
  /** Runtime bytecode as compiled, immutables zeroed; what `anvil_setCode` places for stateless contracts. */
  deployedBytecode: Hex;
  immutableRanges: ImmutableRange[];
}

/** One solc run: every contract it produced, keyed `"<source path>:<ContractName>"`. */
export interface CompiledSources {
  sourceHash: string;
  compiler: string;
  contracts: Record<string, ContractArtifact>;
}

export interface CompileOptions {
  /** Where artifacts are cached; default `<repo>/.local/artifacts`. */
  cacheDir?: string;
  /** Folder with the .sol files; default `<repo>/chain/contracts`. */
  contractsDir?: string;
}

// Fixed settings: identical inputs give byte-identical output, which is what makes CREATE2
// addresses (the local split factory, every split) the same on every machine.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  outputSelection: {
    "*": {
      "*": [
        "abi",
        "evm.bytecode.object",
        "evm.deployedBytecode.object",
        "evm.deployedBytecode.immutableReferences",
      ],
    },
  },
} as const;

/**
 * Compiles the named files of chain/contracts (and what they import from node_modules) with
 * solc-js, reusing `<cacheDir>/solc-<hash>.json` when the same inputs were compiled before.
 */
export async function compileSolidity(
  files: readonly string[],
  options: CompileOptions = {},
): Promise<CompiledSources> {
  const cacheDir = options.cacheDir ?? join(repoRoot, ".local", "artifacts");
  const contractsDir = options.contractsDir ?? join(repoRoot, "chain", "contracts");
  const sources = Object.fromEntries(
    await Promise.all(files.map(async (file) => [file, await readFile(join(contractsDir, file), "utf8")])),
  ) as Record<string, string>;
  const sourceHash = hashInputs(sources);
  const cacheFile = join(cacheDir, `solc-${sourceHash}.json`);
  const cached = await readCached(cacheFile);
  if (cached) return cached;
  const compiled = await runSolc(sources, sourceHash);
  await mkdir(cacheDir, { recursive: true });
  // Write then rename so a concurrent reader never sees a half-written artifact.
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(compiled));
  await rename(tmp, cacheFile);
  return compiled;
}

/** One contract of a compile, or a clear error naming what is missing. */
export function contractOf(compiled: CompiledSources, source: string, name: string): ContractArtifact {
  const artifact = compiled.contracts[`${source}:${name}`];
  if (!artifact) throw new Error(`solc produced no output for ${name} in ${source}`);
  return artifact;
}

// The imports (OpenZeppelin) are pinned by package version, so hashing that version stands in
// for hashing every imported file and keeps the cache check a few reads long.
function hashInputs(sources: Record<string, string>): string {
  const solcVersion: string = require("solc/package.json").version;
  const ozVersion: string = require("@openzeppelin/contracts/package.json").version;
  return createHash("sha256")
    .update(JSON.stringify({ solcVersion, ozVersion, settings: SETTINGS, sources }))
    .digest("hex")
    .slice(0, 16);
}

async function readCached(file: string): Promise<CompiledSources | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as CompiledSources;
  } catch {
    return undefined;
  }
}

interface SolcContract {
  abi: Abi;
  evm: {
    bytecode: { object: string };
    deployedBytecode: { object: string; immutableReferences?: Record<string, ImmutableRange[]> };
  };
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<string, Record<string, SolcContract>>;
}

async function runSolc(sources: Record<string, string>, sourceHash: string): Promise<CompiledSources> {
  // solc-js takes a second or two just to load; only pay that on a cache miss.
  const solc = (await import("solc")).default;
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([file, content]) => [file, { content }])),
    settings: SETTINGS,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const contracts: Record<string, ContractArtifact> = {};
  for (const [source, byName] of Object.entries(output.contracts ?? {})) {
    for (const [name, out] of Object.entries(byName)) {
      if (!out.evm.bytecode.object) continue; // interfaces and abstract contracts
      contracts[`${source}:${name}`] = {
        abi: out.abi,
        bytecode: `0x${out.evm.bytecode.object}`,
        deployedBytecode: `0x${out.evm.deployedBytecode.object}`,
        immutableRanges: Object.values(out.evm.deployedBytecode.immutableReferences ?? {}).flat(),
      };
    }
  }
  return { sourceHash, compiler: solc.version(), contracts };
}

// Resolves `@openzeppelin/...` (and any other package path) from node_modules.
function findImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(path), "utf8") };
  } catch {
    return { error: `import not found: ${path}` };
  }
}
