import type { FacilitatorClient, x402ResourceServer } from "@x402/core/server";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { currentCall } from "./call-context.ts";

/**
 * Wires the payer ledger into x402's verify/settle hooks, once per isolate: each hook reports to
 * the call it runs in (call-context.ts). Outside a call there is nothing to record, so nothing runs.
 */
export function installLedgerHooks(server: x402ResourceServer, facilitator: FacilitatorClient): void {
  server.onBeforeVerify(async ({ paymentPayload, requirements }) =>
    // x402 hands hooks deep-readonly views; the facilitator client only reads them.
    currentCall()?.beforeVerify(
      paymentPayload as PaymentPayload,
      requirements as PaymentRequirements,
      facilitator,
    ),
  );
  server.onAfterVerify(async ({ paymentPayload, result }) =>
    currentCall()?.afterVerify(paymentPayload, result),
  );
  server.onBeforeSettle(async () => currentCall()?.beforeSettle());
  server.onAfterSettle(async ({ result }) => currentCall()?.afterSettle(result.transaction));
  server.onSettleFailure(async ({ error }) => currentCall()?.settleFailed(error));
  server.onVerifiedPaymentCanceled(async ({ reason, responseStatus }) =>
    currentCall()?.canceled(reason, responseStatus),
  );
}
