import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Abi, createPublicClient, http, parseAbi, toFunctionSelector } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "./accounts.ts";
import { type AnvilHandle, startAnvil } from "./anvil.ts";
import {
  BATCH_SETTLEMENT_ADDRESS,
  batchSettlementAbi,
  ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
} from "./batch-settlement.ts";
import { compileContracts } from "./compile.ts";
import { ensureLocalChain } from "./deploy.ts";
import { freePort } from "./free-port.ts";
import { localChain } from "./local-chain.ts";

let anvil: AnvilHandle;

beforeAll(async () => {
  anvil = await startAnvil({ port: await freePort() });
});

afterAll(async () => {
  await anvil?.stop();
});

function client() {
  return createPublicClient({
    chain: localChain(anvil.chainId, anvil.rpcUrl),
    transport: http(anvil.rpcUrl),
  });
}

async function rpc(method: string, params: unknown[]): Promise<void> {
  await fetch(anvil.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
}

// The ABI @x402/evm calls the contract with (not exported by the package: read from its build).
async function sdkAbi(): Promise<Abi> {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve("@x402/evm")), "..", "esm");
  for (const file of await readdir(dist)) {
    if (!file.endsWith(".mjs")) continue;
    if (!(await readFile(join(dist, file), "utf8")).includes("src/batch-settlement/abi.ts")) continue;
    const module = (await import(pathToFileURL(join(dist, file)).href)) as { batchSettlementABI?: Abi };
    if (module.batchSettlementABI) return module.batchSettlementABI;
  }
  throw new Error("batchSettlementABI not found in @x402/evm's build");
}

function selectors(abi: Abi): string[] {
  return abi.filter((item) => item.type === "function").map((item) => toFunctionSelector(item as never));
}

describe("batch-settlement contracts at the canonical addresses", () => {
  it("implement every function of the ABI the x402 SDK calls, and our typed ABI matches the compiled one", async () => {
    const { contracts } = await compileContracts();
    const compiled = new Set(selectors(contracts.X402BatchSettlement.abi));
    for (const selector of selectors(await sdkAbi())) expect(compiled).toContain(selector);
    for (const selector of selectors(batchSettlementAbi)) expect(compiled).toContain(selector);
  });

  it("are placed once with working immutables, and repaired when the compiled code was set directly", async () => {
    await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId });
    const nonce = await client().getTransactionCount({ address: ROLES.deployer.address });
    const collectorSettlement = () =>
      client().readContract({
        address: ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
        abi: parseAbi(["function settlement() view returns (address)"]),
        functionName: "settlement",
      });
    expect(await collectorSettlement()).toBe(BATCH_SETTLEMENT_ADDRESS);

    // Again: nothing to deploy.
    await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId });
    expect(await client().getTransactionCount({ address: ROLES.deployer.address })).toBe(nonce);

    // The compiled runtime code has its immutables zeroed: the collector would point at
    // address(0) and the EIP-712 domain would hash wrongly. ensureLocalChain must notice and redo it.
    const { contracts } = await compileContracts();
    await rpc("anvil_setCode", [BATCH_SETTLEMENT_ADDRESS, contracts.X402BatchSettlement.deployedBytecode]);
    await rpc("anvil_setCode", [
      ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
      contracts.ERC3009DepositCollector.deployedBytecode,
    ]);
    expect(await collectorSettlement()).toBe("0x0000000000000000000000000000000000000000");
    await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId });
    expect(await collectorSettlement()).toBe(BATCH_SETTLEMENT_ADDRESS);
    expect(await client().getTransactionCount({ address: ROLES.deployer.address })).toBe(nonce + 2);
  });
});
