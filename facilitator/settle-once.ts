import type { x402Facilitator } from "@x402/core/facilitator";
import type { SettleResponse } from "@x402/core/types";
import type { EvmNetwork } from "./evm-network.ts";
import type { FacilitatorRequest } from "./request-body.ts";
import { isTransportError, RpcUnavailableError } from "./rpc-errors.ts";
import { type LockOutcome, SettlementLock } from "./settlement-lock.ts";

/** How a settle was answered: ran it, joined a running one, replayed a recorded one, or found it on chain. */
export type SettleOutcome = LockOutcome | "on-chain";

export interface SettleOnce {
  settle(
    request: FacilitatorRequest,
    network: EvmNetwork,
  ): Promise<{ response: SettleResponse; outcome: SettleOutcome }>;
  /** Remembered or running settlements (bounded). */
  readonly size: number;
}

// Same wording as @x402/evm's reason for a used nonce, so clients see one vocabulary.
const NONCE_ALREADY_USED = "invalid_exact_evm_nonce_already_used";
const SETTLEMENT_PENDING = "settlement_pending";

/**
 * Wraps x402's settle so each EIP-3009 authorization is broadcast at most once: duplicates
 * share the first call's result, and an authorization the chain already records as used is
 * answered from the chain (with the earlier transaction when it paid these requirements).
 */
export function createSettleOnce(facilitator: x402Facilitator, maxEntries: number): SettleOnce {
  const lock = new SettlementLock<SettleResponse & { onChain?: boolean }>({ maxEntries });

  return {
    get size() {
      return lock.size;
    },
    async settle(request, network) {
      const { authorization: auth, paymentRequirements: req } = request;
      const asset = req.asset as `0x${string}`;
      const key = [network.network, asset, auth.from, auth.nonce].join("|").toLowerCase();
      const fingerprint = [auth.signature, req.scheme, req.network, asset, req.payTo, req.amount]
        .join("|")
        .toLowerCase();

      const { result, outcome } = await lock.run(
        key,
        fingerprint,
        Number(auth.validBefore) * 1000,
        () => settleUnlessUsed(facilitator, request, network),
        // Keep anything that touched the chain; forget "nothing was sent" answers so a retry
        // (e.g. after topping up a balance) runs again, and pending ones so x402's own
        // pending-settlement store can reconcile the broadcast transaction.
        (r) => r.success || (r.transaction !== "" && r.errorReason !== SETTLEMENT_PENDING),
      );
      const { onChain, ...response } = result;
      return { response, outcome: onChain && outcome === "first" ? "on-chain" : outcome };
    },
  };
}

async function settleUnlessUsed(
  facilitator: x402Facilitator,
  request: FacilitatorRequest,
  network: EvmNetwork,
): Promise<SettleResponse & { onChain?: boolean }> {
  const { authorization: auth, paymentRequirements: req } = request;
  const asset = req.asset as `0x${string}`;
  const base = { network: network.network, payer: auth.from };

  if (await guard(network, () => network.authorizationUsed(asset, auth.from, auth.nonce), false)) {
    const tx = await guard(
      network,
      () =>
        network.findSettlement(asset, {
          from: auth.from,
          to: req.payTo as `0x${string}`,
          value: BigInt(req.amount),
          nonce: auth.nonce,
        }),
      undefined,
    );
    if (tx) return { ...base, success: true, transaction: tx, onChain: true };
    return {
      ...base,
      success: false,
      errorReason: NONCE_ALREADY_USED,
      errorMessage:
        "this authorization was already used or canceled on chain (no settlement for these requirements found)",
      transaction: "",
      onChain: true,
    };
  }

  let response: SettleResponse;
  try {
    response = await facilitator.settle(request.paymentPayload, req);
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
  // x402 reports a send that never reached the node as an ordinary failure; tell it apart.
  if (!response.success && !response.transaction && (await network.probe()) === undefined) {
    throw new RpcUnavailableError(
      network.network,
      network.rpcUrl,
      response.errorMessage ?? response.errorReason ?? "no answer",
    );
  }
  return response;
}

// Runs an on-chain read; transport failures become RpcUnavailableError, reverts (a token
// without this function) fall back to `onRevert` and let x402's own checks decide.
async function guard<T>(network: EvmNetwork, read: () => Promise<T>, onRevert: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isTransportError(error)) {
      throw new RpcUnavailableError(
        network.network,
        network.rpcUrl,
        error instanceof Error ? error.message : String(error),
      );
    }
    return onRevert;
  }
}
