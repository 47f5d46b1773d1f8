import {
  createPublicClient,
  type Hex,
  http,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from "viem";
import { HttpError } from "../../shared/http-error.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import type { OwnedApi } from "./owned-apis.ts";
import { payoutsOf } from "./payout-rows.ts";
import { payoutTransfers } from "./payout-transfers.ts";
import type { PayoutRow, SkippedTransaction } from "./responses.ts";

/**
 * Records the payouts a set of transactions made out of an API's split, as the chain reports them
 * (receipts via RPC_URL): the request only names transactions, never amounts or recipients.
 * Idempotent per (API, transaction, recipient); answers every row those transactions account for.
 */
export async function recordPayoutsFromChain(
  env: DispatchEnv,
  api: OwnedApi,
  txHashes: readonly Hex[],
): Promise<{ payouts: PayoutRow[]; skipped: SkippedTransaction[] }> {
  const { rpcUrl, asset } = dispatchSettings(env);
  if (!rpcUrl) throw new HttpError(503, "payouts_not_configured", "gateway setting RPC_URL is not set");
  const client = createPublicClient({ transport: http(rpcUrl, { timeout: 10_000, retryCount: 1 }) });
  const unique = [...new Set(txHashes.map((hash) => hash.toLowerCase() as Hex))];
  const skipped: SkippedTransaction[] = [];
  const statements: D1PreparedStatement[] = [];
  for (const hash of unique) {
    const receipt = await readReceipt(client, hash);
    if (!receipt) {
      skipped.push({ txHash: hash, reason: "not found on chain (not mined yet, or another network)" });
      continue;
    }
    if (receipt.status !== "success") {
      skipped.push({ txHash: hash, reason: "the transaction reverted: it moved nothing" });
      continue;
    }
    const transfers = payoutTransfers(receipt.logs, { asset, split: api.payTo, creator: api.owner });
    if (transfers.length === 0) {
      skipped.push({ txHash: hash, reason: `it paid nothing out of ${api.slug}'s split ${api.payTo}` });
      continue;
    }
    const block = await client.getBlock({ blockNumber: receipt.blockNumber });
    for (const transfer of transfers) {
      statements.push(
        env.DB.prepare(
          `INSERT INTO payouts (api_slug, recipient, role, amount_atomic, tx_hash, status, created_at, confirmed_at)
           VALUES (?, ?, ?, ?, ?, 'confirmed', unixepoch(), ?)
           ON CONFLICT (api_slug, tx_hash, recipient) DO NOTHING`,
        ).bind(
          api.slug,
          transfer.recipient,
          transfer.role,
          Number(transfer.amount),
          hash,
          Number(block.timestamp),
        ),
      );
    }
  }
  if (statements.length) await env.DB.batch(statements);
  return { payouts: await payoutsOf(env.DB, api.slug, unique), skipped };
}

async function readReceipt(
  client: ReturnType<typeof createPublicClient>,
  hash: Hex,
): Promise<TransactionReceipt | null> {
  try {
    return await client.getTransactionReceipt({ hash });
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return null;
    throw new HttpError(502, "chain_unavailable", `could not read transaction ${hash} from the chain`, {
      cause: error instanceof Error ? error.message.split("\n")[0] : String(error),
    });
  }
}
