import type { FacilitatorClient } from "@x402/core/server";
import { HTTPFacilitatorClient } from "@x402/core/server";
import type { PaymentConfig } from "./payment-config.ts";

type Supported = Awaited<ReturnType<FacilitatorClient["getSupported"]>>;

/** What supported kinds are worth caching for: they change only when the facilitator is redeployed. */
const SUPPORTED_TTL_MS = 5 * 60_000;
const clients = new Map<
  string,
  { client: HTTPFacilitatorClient; supported?: { value: Promise<Supported>; expires: number } }
>();

/** Errors the facilitator raised during one call, kept so the gateway can name the cause (502). */
export interface FacilitatorTrace {
  error?: { operation: "verify" | "settle" | "supported"; message: string };
}

/**
 * The facilitator as one paid call sees it: a shared HTTP client per URL (reached by URL, never
 * by import), /supported cached per isolate, and every failure recorded on the call's trace.
 */
export function facilitatorFor(config: PaymentConfig, trace: FacilitatorTrace): FacilitatorClient {
  const entry = sharedClient(config);
  const observe = async <T>(
    operation: "verify" | "settle" | "supported",
    run: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      trace.error = { operation, message: error instanceof Error ? error.message : String(error) };
      throw error;
    }
  };
  return {
    verify: (payload, requirements) =>
      observe("verify", () =>
        entry.client.verify(payload, requirements).catch((error: unknown) => {
          const refusal = requestRefusal(error);
          if (!refusal) throw error;
          return { isValid: false, invalidReason: "invalid_payment_payload", invalidMessage: refusal };
        }),
      ),
    settle: (payload, requirements) =>
      observe("settle", () =>
        entry.client.settle(payload, requirements).catch((error: unknown) => {
          const refusal = requestRefusal(error);
          if (!refusal) throw error;
          return {
            success: false,
            errorReason: "invalid_payment_payload",
            errorMessage: refusal,
            transaction: "",
            network: requirements.network,
          };
        }),
      ),
    getSupported: () =>
      observe("supported", () => {
        const now = Date.now();
        if (!entry.supported || entry.supported.expires < now) {
          const value = entry.client.getSupported();
          entry.supported = { value, expires: now + SUPPORTED_TTL_MS };
          value.catch(() => {
            entry.supported = undefined; // a failed lookup must not be cached
          });
        }
        return entry.supported.value;
      }),
  };
}

/**
 * A facilitator that answers 4xx refused the payment itself (a malformed payload), not a fault of
 * the facilitator: that is the caller's 402, not a 502. Returns its reason, or undefined.
 */
function requestRefusal(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/\(4\d\d\)/.test(message)) return undefined;
  return /"reason":"([^"]+)"/.exec(message)?.[1] ?? message;
}

function sharedClient(config: PaymentConfig) {
  let entry = clients.get(config.facilitatorUrl);
  if (!entry) {
    const auth = config.facilitatorAuth;
    entry = {
      client: new HTTPFacilitatorClient({
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
      }),
    };
    clients.set(config.facilitatorUrl, entry);
  }
  return entry;
}
