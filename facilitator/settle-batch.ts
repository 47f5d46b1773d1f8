import type { x402Facilitator } from "@x402/core/facilitator";
import type { SettleResponse } from "@x402/core/types";
import type { BatchFacilitatorRequest } from "./batch-request-body.ts";
import type { EvmNetwork } from "./evm-network.ts";
import { isTransportError, RpcUnavailableError } from "./rpc-errors.ts";
import { type LockOutcome, SettlementLock } from "./settlement-lock.ts";

const SETTLEMENT_PENDING = "settlement_pending";
// Claims carry no expiry; remember a broadcast one this long so a retried batch joins it.
const CLAIM_MEMORY_MS = 10 * 60_000;

export interface SettleBatch {
  settle(
    request: BatchFacilitatorRequest,
    network: EvmNetwork,
  ): Promise<{ response: SettleResponse; outcome: LockOutcome | "direct" }>;
}

/**
 * Settles batch-settlement operations through x402's facilitator scheme, broadcasting each
 * deposit authorization and each claim batch at most once (duplicates share the first result),
 * and letting concurrent settles of one receiver and token join the running one.
 */
export function createSettleBatch(facilitator: x402Facilitator, maxEntries: number): SettleBatch {
  const lock = new SettlementLock<SettleResponse>({ maxEntries });
  const once = async (...args: Parameters<typeof lock.run>) => {
    const { result, outcome } = await lock.run(...args);
    return { response: result, outcome };
  };
  const run = (request: BatchFacilitatorRequest, network: EvmNetwork) => () =>
    settleOrExplain(facilitator, request, network);
  // Keep what touched the chain; forget "nothing was sent" so a corrected retry runs again.
  const touchedChain = (r: SettleResponse) =>
    r.success || (r.transaction !== "" && r.errorReason !== SETTLEMENT_PENDING);

  return {
    async settle(request, network) {
      const { paymentPayload, paymentRequirements: req } = request;
      const payload = paymentPayload.payload as Record<string, unknown>;
      if (request.type === "deposit" && request.deposit) {
        const d = request.deposit;
        const key = ["deposit", network.network, req.asset, d.payer, d.nonce].join("|").toLowerCase();
        const fingerprint = [d.signature, d.amount, JSON.stringify(payload.voucher)].join("|").toLowerCase();
        return once(key, fingerprint, Number(d.validBefore) * 1000, run(request, network), touchedChain);
      }
      if (request.type === "claim") {
        const body = JSON.stringify(payload.claims).toLowerCase();
        const key =
          `claim|${network.network}|${String(payload.claimAuthorizerSignature ?? body)}`.toLowerCase();
        return once(key, body, Date.now() + CLAIM_MEMORY_MS, run(request, network), touchedChain);
      }
      if (request.type === "settle") {
        // Settling pays out whatever is owed at that moment: join a running one, never replay it.
        const key = ["settle", network.network, payload.receiver, payload.token].join("|").toLowerCase();
        return once(key, key, 0, run(request, network), () => false);
      }
      return { response: await settleOrExplain(facilitator, request, network), outcome: "direct" };
    },
  };
}

// x402's settle, with an unreachable node told apart from a refused operation.
async function settleOrExplain(
  facilitator: x402Facilitator,
  request: BatchFacilitatorRequest,
  network: EvmNetwork,
): Promise<SettleResponse> {
  let response: SettleResponse;
  try {
    response = await facilitator.settle(request.paymentPayload, request.paymentRequirements);
  } catch (error) {
    if (isTransportError(error) || (await network.probe()) === undefined) {
      throw new RpcUnavailableError(
        network.network,
        network.rpcUrl,
        error instanceof Error ? error.message : String(error),
      );
    }
    throw error;
  }
  if (!response.success && !response.transaction && (await network.probe()) === undefined) {
    throw new RpcUnavailableError(
      network.network,
      network.rpcUrl,
      response.errorMessage ?? response.errorReason ?? "no answer",
    );
  }
  return response;
}
