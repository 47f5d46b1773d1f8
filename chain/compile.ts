import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** The contracts this project compiles, by name; each lives in chain/contracts/<Name>.sol. */
export const CONTRACT_NAMES = ["Usdc3009", "Multicall3"] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

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

export interface Artifacts {
  sourceHash: string;
  compiler: string;
  contracts: Record<ContractName, ContractArtifact>;
}

export interface CompileOptions {
  /** Where artifacts are cached; default `<repo>/.local/artifacts`. */
  cacheDir?: string;
  /** Folder with the .sol files; default `<repo>/contracts`. */
  contractsDir?: string;
}

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

/** Compiles chain/contracts/*.sol with solc-js (optimizer on), reusing `<cacheDir>/<sourcehash>.json` when present. */
export async function compileContracts(options: CompileOptions = {}): Promise<Artifacts> {
  const cacheDir = options.cacheDir ?? join(repoRoot, ".local", "artifacts");
  const contractsDir = options.contractsDir ?? join(repoRoot, "chain", "contracts");
  const sources = await readSources(contractsDir);
  const sourceHash = hashInputs(sources);
  const cacheFile = join(cacheDir, `${sourceHash}.json`);

  const cached = await readCached(cacheFile);
  if (cached) return cached;

  const artifacts = await runSolc(sources, sourceHash);
  await mkdir(cacheDir, { recursive: true });
  // Write then rename so a concurrent reader never sees a half-written artifact.
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(artifacts));
  await rename(tmp, cacheFile);
  return artifacts;
}

async function readSources(contractsDir: string): Promise<Record<string, string>> {
  const entries = await Promise.all(
    CONTRACT_NAMES.map(async (name) => [
      `${name}.sol`,
      await readFile(join(contractsDir, `${name}.sol`), "utf8"),
    ]),
  );
  return Object.fromEntries(entries);
}

// The imports (OpenZeppelin) are pinned by package version, so hashing that version stands in
// for hashing every imported file and keeps the cache check a few reads long.
function hashInputs(sources: Record<string, string>): string {
  const solcVersion: string = require("solc/package.json").version;
  const ozVersion: string = require("@openzeppelin/contracts/package.json").version;
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ solcVersion, ozVersion, settings: SETTINGS, sources }));
  return hash.digest("hex").slice(0, 16);
}

async function readCached(file: string): Promise<Artifacts | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Artifacts;
  } catch {
    return undefined;
  }
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<
    string,
    Record<
      string,
      {
        abi: Abi;
        evm: {
          bytecode: { object: string };
          deployedBytecode: { object: string; immutableReferences?: Record<string, ImmutableRange[]> };
        };
      }
    >
  >;
}

async function runSolc(sources: Record<string, string>, sourceHash: string): Promise<Artifacts> {
  // solc-js takes a second or two just to load; only pay that on a cache miss.
  const solc = (await import("solc")).default;
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([file, content]) => [file, { content }])),
    settings: SETTINGS,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  }
  const contracts = {} as Record<ContractName, ContractArtifact>;
  for (const name of CONTRACT_NAMES) {
    const out = output.contracts?.[`${name}.sol`]?.[name];
    if (!out) throw new Error(`solc produced no output for ${name}`);
    contracts[name] = {
      abi: out.abi,
      bytecode: `0x${out.evm.bytecode.object}`,
      deployedBytecode: `0x${out.evm.deployedBytecode.object}`,
      immutableRanges: Object.values(out.evm.deployedBytecode.immutableReferences ?? {}).flat(),
    };
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
