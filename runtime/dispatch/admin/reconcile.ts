import type { PaymentPayload, SettleResponse } from "@x402/core/types";
import type { Address, Hex } from "viem";
import type { PaymentRecord } from "../../ledger/payment-state.ts";
import type { DispatchEnv } from "../env.ts";
import { facilitatorFor } from "../payments/facilitator.ts";
import { paymentConfig } from "../payments/payment-config.ts";
import { nothingWasSettled } from "../payments/settle-outcome.ts";
import { dispatchSettings } from "../settings.ts";
import { readAuthorization } from "./chain-reader.ts";

export interface ReconcileOutcome {
  payment: string;
  api: string;
  from: "unknown";
  to: "settled" | "failed" | "unknown";
  txHash: string | null;
  reason: string;
}

/** One page of `unknown` payments; a run reads pages until none is left or its time is up. */
const PAGE_SIZE = 50;
/** A run stops starting new rows after this long; whatever is left waits for the next run. */
export const RECONCILE_BUDGET_MS = 20_000;

interface UnknownRow {
  id: string;
  payer: string;
  nonce: string;
  api_slug: string;
  updated_at: number;
}

/**
 * Resolves `unknown` payments against the chain, never by asking the payer for a new signature.
 * Only a payment that was sent for settlement (served, or settle-before) may be settled: a used
 * authorization is recorded as settled, a still-valid one is settled with the SAME authorization,
 * and one that can never be settled (expired, refused by the facilitator, never sent) is finished
 * as failed. Each row is resolved on its own: one that fails leaves the others untouched, and a row
 * still unresolved goes to the back of the queue, so no number of bad rows can block the rest.
 */
export async function reconcileUnknownPayments(
  env: DispatchEnv,
  budgetMs = RECONCILE_BUDGET_MS,
): Promise<ReconcileOutcome[]> {
  const { rpcUrl } = dispatchSettings(env);
  const ledgers = env.PAYER_LEDGER;
  if (!rpcUrl || !ledgers) throw new Error("reconciliation needs RPC_URL and the PAYER_LEDGER binding");
  const stopAt = Date.now() + budgetMs;
  const outcomes: ReconcileOutcome[] = [];
  // Keyset paging (least recently tried first): rows touched by this run are never read twice.
  let after = { updatedAt: -1, id: "" };
  while (Date.now() < stopAt) {
    const { results } = await env.DB.prepare(
      `SELECT id, payer, nonce, api_slug, updated_at FROM payments
        WHERE state = 'unknown' AND (updated_at > ? OR (updated_at = ? AND id > ?))
        ORDER BY updated_at, id LIMIT ?`,
    )
      .bind(after.updatedAt, after.updatedAt, after.id, PAGE_SIZE)
      .all<UnknownRow>();
    for (const row of results) {
      if (Date.now() >= stopAt) break;
      const outcome = await reconcileOne(env, rpcUrl, ledgers, row);
      if (outcome) outcomes.push(outcome);
    }
    const last = results.at(-1);
    if (!last || results.length < PAGE_SIZE) break;
    after = { updatedAt: last.updated_at, id: last.id };
  }
  return outcomes;
}

/** One row: read its ledger, resolve it, record the result (an unresolved attempt too). */
async function reconcileOne(
  env: DispatchEnv,
  rpcUrl: string,
  ledgers: NonNullable<DispatchEnv["PAYER_LEDGER"]>,
  row: UnknownRow,
): Promise<ReconcileOutcome | undefined> {
  const ledger = ledgers.get(ledgers.idFromName(row.payer.toLowerCase()));
  let outcome: ReconcileOutcome;
  try {
    const record = (await ledger.find(row.nonce)) as PaymentRecord | null;
    if (record?.state !== "unknown") return undefined;
    outcome = await resolve(env, rpcUrl, record, () => ledger.payload(row.nonce) as Promise<string | null>);
  } catch (error) {
    outcome = {
      payment: row.id,
      api: row.api_slug,
      from: "unknown",
      to: "unknown",
      txHash: null,
      reason: `not resolved this time: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  // Recording an unresolved attempt too moves the row behind the others for the next run.
  await ledger
    .advance(row.nonce, { state: outcome.to, txHash: outcome.txHash, error: outcome.reason })
    .catch((error: unknown) => console.error(`reconcile could not record ${outcome.payment}`, error));
  return outcome;
}

async function resolve(
  env: DispatchEnv,
  rpcUrl: string,
  record: PaymentRecord,
  loadPayload: () => Promise<string | null>,
): Promise<ReconcileOutcome> {
  const base = { payment: record.id, api: record.apiSlug, from: "unknown" as const };
  const finish = (to: ReconcileOutcome["to"], reason: string, txHash: string | null = null) => ({
    ...base,
    to,
    txHash,
    reason,
  });
  if (record.settlingAt === null) {
    // Never sent for settlement (refused, or the creator never answered): it must never move money.
    return finish("failed", "never sent for settlement: nothing was charged");
  }
  const onChain = await readAuthorization(
    rpcUrl,
    record.asset as Address,
    record.payer as Address,
    record.nonce as Hex,
  );
  if (onChain.used) return finish("settled", "authorization used on chain", onChain.txHash);
  if (record.validBefore * 1000 <= Date.now()) {
    return finish("failed", "authorization expired without being used: nothing was charged");
  }
  const payloadJson = await loadPayload();
  if (!payloadJson) return finish("failed", "no stored authorization to settle: nothing was charged");
  const payload = JSON.parse(payloadJson) as PaymentPayload;
  let settled: SettleResponse;
  try {
    settled = await facilitatorFor(paymentConfig(env), () => undefined).settle(payload, payload.accepted);
  } catch (error) {
    return finish("unknown", `still unsettled: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (settled.success)
    return finish("settled", "settled with the original authorization", settled.transaction);
  if (!nothingWasSettled(settled))
    return finish("unknown", `still unsettled: ${settled.errorReason ?? "no reason"}`);
  // The facilitator refused it (e.g. the payer's balance is gone) and sent nothing: finish it.
  return finish(
    "failed",
    `the facilitator refused to settle it (${settled.errorReason ?? "no reason"}): nothing was charged`,
  );
}
