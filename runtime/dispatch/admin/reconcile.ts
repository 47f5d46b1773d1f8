import type { Address, Hex } from "viem";
import type { PaymentRecord } from "../../ledger/payment-state.ts";
import type { DispatchEnv } from "../env.ts";
import { facilitatorFor } from "../payments/facilitator.ts";
import { paymentConfig } from "../payments/payment-config.ts";
import { readAuthorization } from "./chain-reader.ts";

export interface ReconcileOutcome {
  payment: string;
  api: string;
  from: "unknown";
  to: "settled" | "failed" | "unknown";
  txHash: string | null;
  reason: string;
}

/**
 * Resolves `unknown` payments against the chain, never by asking the payer for a new signature:
 * a used authorization is settled (with its transaction), an expired unused one failed, and a
 * still-valid unused one is settled again with the SAME authorization (at most once on chain).
 */
export async function reconcileUnknownPayments(env: DispatchEnv, limit = 50): Promise<ReconcileOutcome[]> {
  const rpcUrl = env.RPC_URL;
  if (!rpcUrl || !env.PAYER_LEDGER)
    throw new Error("reconciliation needs RPC_URL and the PAYER_LEDGER binding");
  const { results } = await env.DB.prepare(
    "SELECT payer, nonce FROM payments WHERE state = 'unknown' ORDER BY created_at LIMIT ?",
  )
    .bind(limit)
    .all<{ payer: string; nonce: string }>();
  const outcomes: ReconcileOutcome[] = [];
  for (const row of results) {
    const ledger = env.PAYER_LEDGER.get(env.PAYER_LEDGER.idFromName(row.payer.toLowerCase()));
    const record = (await ledger.find(row.nonce)) as PaymentRecord | null;
    if (record?.state !== "unknown") continue;
    const outcome = await resolve(
      env,
      rpcUrl,
      record,
      () => ledger.payload(row.nonce) as Promise<string | null>,
    );
    if (outcome.to !== "unknown") {
      await ledger.advance(row.nonce, { state: outcome.to, txHash: outcome.txHash, error: outcome.reason });
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

async function resolve(
  env: DispatchEnv,
  rpcUrl: string,
  record: PaymentRecord,
  loadPayload: () => Promise<string | null>,
): Promise<ReconcileOutcome> {
  const base = { payment: record.id, api: record.apiSlug, from: "unknown" as const };
  const onChain = await readAuthorization(
    rpcUrl,
    record.asset as Address,
    record.payer as Address,
    record.nonce as Hex,
  );
  if (onChain.used)
    return { ...base, to: "settled", txHash: onChain.txHash, reason: "authorization used on chain" };
  if (record.validBefore * 1000 <= Date.now()) {
    return {
      ...base,
      to: "failed",
      txHash: null,
      reason: "authorization expired without being used: nothing was charged",
    };
  }
  const payloadJson = await loadPayload();
  if (!payloadJson)
    return { ...base, to: "unknown", txHash: null, reason: "no stored authorization to settle" };
  const payload = JSON.parse(payloadJson);
  const settled = await facilitatorFor(paymentConfig(env), {})
    .settle(payload, payload.accepted)
    .catch((error: unknown) => ({ success: false, transaction: "", errorReason: String(error) }));
  return settled.success
    ? {
        ...base,
        to: "settled",
        txHash: settled.transaction,
        reason: "settled with the original authorization",
      }
    : {
        ...base,
        to: "unknown",
        txHash: null,
        reason: `still unsettled: ${settled.errorReason ?? "unknown"}`,
      };
}
