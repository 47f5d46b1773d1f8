import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "./accounts.ts";
import { type AnvilHandle, startAnvil } from "./anvil.ts";
import { ensureLocalChain } from "./deploy.ts";
import { freePort } from "./free-port.ts";
import { localChain, MULTICALL3_ADDRESS } from "./local-chain.ts";
import { usdc3009Abi } from "./usdc3009-abi.ts";

let dir: string;
const running: AnvilHandle[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "deploy-test-"));
});

afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe("ensureLocalChain", () => {
  it("deploys once, funds the roles, and re-uses the token after a restart from a state file", async () => {
    const stateFile = join(dir, "state.json");
    const recordFile = join(dir, "deployment.json");
    const port = await freePort();
    const first = await startAnvil({ port, stateFile });
    running.push(first);

    const deployed = await ensureLocalChain({ rpcUrl: first.rpcUrl, chainId: first.chainId, recordFile });
    expect(deployed.deployedNow).toBe(true);
    expect(deployed).toMatchObject({
      tokenName: "USD Coin",
      tokenVersion: "2",
      decimals: 6,
      network: "eip155:31337",
    });
    expect(deployed.payer.address).toBe(ROLES.payer.address);
    expect(deployed.facilitator.address).toBe(ROLES.facilitator.address);

    const chain = localChain(first.chainId, first.rpcUrl);
    const client = createPublicClient({ chain, transport: http(first.rpcUrl) });
    // viem batches these through Multicall3, so this also proves it sits at its canonical address.
    const [name, payerBalance, ethBalance] = await client.multicall({
      allowFailure: false,
      contracts: [
        { address: deployed.asset, abi: usdc3009Abi, functionName: "name" },
        { address: deployed.asset, abi: usdc3009Abi, functionName: "balanceOf", args: [ROLES.payer.address] },
        {
          address: MULTICALL3_ADDRESS,
          abi: [
            {
              type: "function",
              name: "getEthBalance",
              stateMutability: "view",
              inputs: [{ name: "addr", type: "address" }],
              outputs: [{ type: "uint256" }],
            },
          ] as const,
          functionName: "getEthBalance",
          args: [ROLES.facilitator.address],
        },
      ],
    });
    expect(name).toBe("USD Coin");
    expect(payerBalance).toBe(1_000_000_000_000n);
    expect(ethBalance > 10n ** 20n).toBe(true);

    const again = await ensureLocalChain({ rpcUrl: first.rpcUrl, chainId: first.chainId, recordFile });
    expect(again.deployedNow).toBe(false);
    expect(again.asset).toBe(deployed.asset);
    const deployerNonce = await client.getTransactionCount({ address: ROLES.deployer.address });
    await first.stop();

    const second = await startAnvil({ port, stateFile });
    running.push(second);
    const restored = await ensureLocalChain({ rpcUrl: second.rpcUrl, chainId: second.chainId });
    expect(restored.deployedNow).toBe(false);
    expect(restored.asset).toBe(deployed.asset);
    // The batch-settlement contracts came back with the state file: nothing was redeployed.
    const secondClient = createPublicClient({ chain, transport: http(second.rpcUrl) });
    expect(await secondClient.getTransactionCount({ address: ROLES.deployer.address })).toBe(deployerNonce);
    expect(await secondClient.getCode({ address: restored.batchSettlement.settlement })).toMatch(/^0x60/);
  });

  it("deploys afresh on a new chain and refuses a chain id mismatch", async () => {
    const anvil = await startAnvil({ port: await freePort(), chainId: 777 });
    running.push(anvil);
    await expect(ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: 31337 })).rejects.toThrow(
      /has id 777, expected 31337/,
    );
    const fresh = await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: 777 });
    expect(fresh.deployedNow).toBe(true);
    expect(fresh.network).toBe("eip155:777");
  });
});
