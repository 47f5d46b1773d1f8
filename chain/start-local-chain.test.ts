import { HTTPFacilitatorClient } from "@x402/core/http";
import { createPublicClient, http } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { createPaymentPayload, exactRequirements } from "../facilitator/payment-fixtures.ts";
import { startFacilitator } from "../facilitator/server.ts";
import { devAccount } from "./accounts.ts";
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

  it("mines a block every N seconds with blockTimeSeconds, and exact payments still settle", async () => {
    running = await startLocalChain({ port: await freePort(), blockTimeSeconds: 1 });
    expect(running.blockTimeSeconds).toBe(1);
    const automine = await fetch(running.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_getAutomine", params: [] }),
    }).then((r) => r.json() as Promise<{ result: boolean }>);
    expect(automine.result).toBe(false);

    const facilitator = await startFacilitator({
      port: 0,
      rpcUrl: running.rpcUrl,
      chainId: running.chainId,
      privateKey: running.facilitator.privateKey,
      pollingIntervalMs: 20,
    });
    try {
      const req = exactRequirements({
        chainId: running.chainId,
        asset: running.asset,
        payTo: devAccount(5).address,
        amount: "1000",
      });
      const payload = await createPaymentPayload(running.payer.privateKey, req);
      const settled = await new HTTPFacilitatorClient({ url: facilitator.url }).settle(payload, req);
      expect(settled.success).toBe(true);
      const client = createPublicClient({ transport: http(running.rpcUrl) });
      const receipt = await client.getTransactionReceipt({ hash: settled.transaction as `0x${string}` });
      expect(receipt.status).toBe("success");
    } finally {
      await facilitator.stop();
      await running.stop();
    }
  });
});
