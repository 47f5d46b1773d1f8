import type { FacilitatorClient } from "@x402/core/server";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { SettleError, VerifyError } from "@x402/core/types";
import type { PaymentConfig } from "./payment-config.ts";

/** Errors the facilitator raised during one call, kept so the gateway can name the cause (502). */
export interface FacilitatorTrace {
  error?: { operation: "verify" | "settle" | "supported"; message: string };
}

/**
 * The facilitator as the isolate's gate sees it: one HTTP client (reached by URL, never by import).
 * A refusal the facilitator answers with an error status (x402's typed `VerifyError` /
 * `SettleError`) is the payer's 402, not a fault; every other failure is recorded on the trace of
 * the call it happened in (`traceOf`) and rethrown, so the gateway can answer 502 naming it.
 */
export function facilitatorFor(
  config: PaymentConfig,
  traceOf: () => FacilitatorTrace | undefined,
): FacilitatorClient {
  const client = httpClient(config);
  const observe = async <T>(
    operation: "verify" | "settle" | "supported",
    run: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const trace = traceOf();
      if (trace) trace.error = { operation, message: error instanceof Error ? error.message : String(error) };
      throw error;
    }
  };
  return {
    verify: (payload, requirements) =>
      observe("verify", () =>
        client.verify(payload, requirements).catch((error: unknown) => {
          if (!(error instanceof VerifyError)) throw error;
          return {
            isValid: false,
            invalidReason: error.invalidReason ?? "invalid_payment",
            ...(error.invalidMessage ? { invalidMessage: error.invalidMessage } : {}),
            ...(error.payer ? { payer: error.payer } : {}),
          };
        }),
      ),
    settle: (payload, requirements) =>
      observe("settle", () =>
        client.settle(payload, requirements).catch((error: unknown) => {
          if (!(error instanceof SettleError)) throw error;
          return {
            success: false,
            errorReason: error.errorReason ?? "settlement_refused",
            ...(error.errorMessage ? { errorMessage: error.errorMessage } : {}),
            transaction: error.transaction ?? "",
            network: error.network ?? requirements.network,
          };
        }),
      ),
    getSupported: () => observe("supported", () => client.getSupported()),
  };
}

function httpClient(config: PaymentConfig): HTTPFacilitatorClient {
  const auth = config.facilitatorAuth;
  return new HTTPFacilitatorClient({
    url: config.facilitatorUrl,
    timeoutMs: config.facilitatorTimeoutMs,
    ...(auth
      ? {
          createAuthHeaders: async () => {
            const headers = { authorization: `Bearer ${auth}` };
            return { verify: headers, settle: headers, supported: headers };
          },
        }
      : {}),
  });
}
