import { rmSync } from "node:fs";
import { createPublicClient, type Hex, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../local/stack.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";

// The persisted local stack across restarts: the chain and the ledger stay in step, or are
// rebuilt together — never ledger rows that point at transactions the chain no longer has.
let project: TempProject;
let txHash: Hex;

const start = () =>
  startLocalStack({
    root: project.root,
    port: 0,
    chainPort: 0,
    facilitatorPort: 0,
    localDir: `${project.root}/.local`,
  });

async function settledCount(stack: LocalStack): Promise<number> {
  const row = await (await stack.mf.getD1Database("DB", "dispatch"))
    .prepare("SELECT COUNT(*) AS n FROM payments WHERE state = 'settled'")
    .first<{ n: number }>();
  return row?.n ?? 0;
}

beforeAll(async () => {
  project = makeTempProject();
  const stack = await start();
  try {
    const response = await demoPayerFetch(stack.devFile)(`${stack.url}/world-cities?limit=1`);
    expect(response.status).toBe(200);
    txHash = JSON.parse(atob(response.headers.get("payment-response")!)).transaction;
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the ledger's export to D1
    expect(await settledCount(stack)).toBe(1);
  } finally {
    await stack.stop();
  }
}, 120_000);

afterAll(() => project?.remove());

describe("restarting the local marketplace", () => {
  it("keeps the chain and the ledger: the recorded transaction is still on chain", async () => {
    const stack = await start();
    try {
      expect(await settledCount(stack)).toBe(1);
      const receipt = await createPublicClient({ transport: http(stack.chain.rpcUrl) }).getTransactionReceipt(
        { hash: txHash },
      );
      expect(receipt.status).toBe("success");
      expect((await demoPayerFetch(stack.devFile)(`${stack.url}/world-cities?limit=1`)).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });

  it("rebuilds the ledger with the chain when the chain's state is lost", async () => {
    rmSync(`${project.root}/.local/chain`, { recursive: true, force: true });
    const stack = await start();
    try {
      expect(await settledCount(stack)).toBe(0);
      const again = await demoPayerFetch(stack.devFile)(`${stack.url}/world-cities?limit=1`);
      expect(again.status, await again.clone().text()).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});
