import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchPayer } from "../chain/batch-settlement-harness.ts";
import { fundPayers } from "../chain/fund-payers.ts";
import type { LocalStack } from "../local/stack.ts";
import type { VoucherRecord } from "../runtime/ledger/channel-types.ts";
import { ledgerOf } from "./support/chain.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// The local stack runs the gateway's scheduled handler as production's cron does; here every
// second, with a 20-s settle interval: the cron claims a channel once its oldest voucher is 10 s
// old, before any payer ledger's own alarm (20 s), which claims only its own payer's channels.

let project: TempProject;
let stack: LocalStack;

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project, {
    cronEveryMs: 1_000,
    dispatchVars: { BATCH_SETTLE_INTERVAL_SECONDS: "20" },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

async function vouchersOf(payer: string): Promise<VoucherRecord[]> {
  return (await ledgerOf(stack, payer)).vouchers();
}

describe("the local stack's cron", () => {
  it("claims two payers' vouchers in one transaction on its own, as production's cron does", async () => {
    const keys = [generatePrivateKey(), generatePrivateKey()];
    const addresses = keys.map((key) => privateKeyToAccount(key).address);
    await fundPayers(
      stack.chain,
      addresses.map((address) => ({ address })),
      1_000_000n,
    );
    for (const privateKey of keys) {
      const payer = batchPayer({ chain: stack.chain, privateKey, depositUnits: 10_000n });
      const response = await payer.fetch(`${stack.url}/world-cities?limit=1`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const claims = await waitFor(
      async () => {
        const vouchers = (await Promise.all(addresses.map(vouchersOf))).flat();
        return vouchers.length === 2 && vouchers.every((voucher) => voucher.claimTx) && vouchers;
      },
      "both payers' vouchers claimed",
      40_000,
    );
    // One transaction for both payers: a cross-payer claim, which only the cron (or `402claw
    // settle`, not run here) makes; each ledger's alarm would have claimed its own payer alone.
    expect(claims[0]!.claimTx).toBe(claims[1]!.claimTx);
  }, 60_000);
});
