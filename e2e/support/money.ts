import { type Address, createPublicClient, http } from "viem";
import { usdc3009Abi } from "../../chain/usdc3009-abi.ts";
import type { LocalStack } from "../../local/stack.ts";
import { waitFor } from "./wait.ts";

/** Reads what moved, on the real chain and in the ledger's D1 export, for money assertions. */
export function moneyProbe(stack: LocalStack) {
  const chain = createPublicClient({ transport: http(stack.chain.rpcUrl) });
  const db = () => stack.mf.getD1Database("DB", "dispatch");
  return {
    /** The test USDC balance of an address, read from the chain. */
    balanceOf: (owner: string) =>
      chain.readContract({
        address: stack.chain.asset,
        abi: usdc3009Abi,
        functionName: "balanceOf",
        args: [owner as Address],
      }),
    /** Ids of every payment D1 knows, to tell a new one apart. */
    async paymentIds(): Promise<Set<string>> {
      const { results } = await (await db()).prepare("SELECT id FROM payments").all<{ id: string }>();
      return new Set(results.map((row) => row.id));
    },
    /** Payments of an API not in `seen` that reached an outcome, once one has been exported (within ~1 s). */
    newPayments(apiSlug: string, seen: ReadonlySet<string>) {
      return waitFor(async () => {
        const { results } = await (await db())
          .prepare("SELECT * FROM payments WHERE api_slug = ? AND state IN ('settled', 'failed', 'unknown')")
          .bind(apiSlug)
          .all<Record<string, unknown>>();
        const fresh = results.filter((row) => !seen.has(String(row.id)));
        return fresh.length ? fresh : null;
      }, `a new payment for ${apiSlug} in D1`);
    },
  };
}
