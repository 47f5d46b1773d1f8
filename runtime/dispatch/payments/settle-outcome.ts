import { SettleError } from "@x402/core/types";

/** The facilitator's code for a broadcast it is still waiting on (see facilitator/settle-once.ts). */
const SETTLEMENT_PENDING = "settlement_pending";

/**
 * Whether a failed settlement certainly moved nothing: the facilitator answered with a refusal,
 * sent no transaction, and is not still waiting on one. Anything else (a timeout, a lost answer,
 * a reverted or pending transaction) may have moved money and must be reconciled against the chain.
 */
export function nothingWasSettled(failure: unknown): boolean {
  const reported =
    failure instanceof SettleError
      ? failure
      : isSettleAnswer(failure) && !failure.success
        ? failure
        : undefined;
  if (!reported) return false;
  return !reported.transaction && reported.errorReason !== SETTLEMENT_PENDING;
}

function isSettleAnswer(
  value: unknown,
): value is { success: boolean; transaction?: string; errorReason?: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { success?: unknown }).success === "boolean"
  );
}
