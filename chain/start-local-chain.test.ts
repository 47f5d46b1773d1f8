import { createPublicClient, http } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, isPortInUse } from "./free-port.ts";
import { type RunningLocalChain, startLocalChain } from "./start-local-chain.ts";
import { usdc3009Abi } from "./usdc3009-abi.ts";

let running: RunningLocalChain | undefined;

afterAll(async () => {
  await running?.stop();
});

describe("startLocalChain", () => {
  it("returns a chain with a funded payer and stops cleanly", async () => {
    const port = await freePort();
    running = await startLocalChain({ port, payerBalance: 5_000_000n });
    const client = createPublicClient({ transport: http(running.rpcUrl) });
    const balance = await client.readContract({
      address: running.asset,
      abi: usdc3009Abi,
      functionName: "balanceOf",
      args: [running.payer.address],
    });
    expect(balance).toBe(5_000_000n);
    await running.stop();
    expect(await isPortInUse(port)).toBe(false);
  });
});
