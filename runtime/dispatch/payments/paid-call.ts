import type { FacilitatorClient, RouteConfig } from "@x402/core/server";
import {
  type PaymentPayload,
  type PaymentRequirements,
  SettleError,
  type VerifyResponse,
} from "@x402/core/types";
import type { PayerLedger } from "../../ledger/payer-ledger.ts";
import type { AdvanceInput, PaymentState } from "../../ledger/payment-state.ts";
import { errorResponse } from "../../shared/http-error.ts";
import type { ApiRecord } from "../api-record.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import type { ChannelSession } from "./channel-storage.ts";
import type { FacilitatorTrace } from "./facilitator.ts";
import { nothingWasSettled } from "./settle-outcome.ts";
import { reportedCharge, withSettlementOverride } from "./usage-charge.ts";

type Abort = { abort: true; reason: string; message: string };
type PayloadLike = { payload?: unknown };
interface Authorization {
  from: string;
  nonce: string;
  validBefore: string;
}

/**
 * One paid call's trip through the payer ledger. x402's hooks (installed once per isolate, see
 * ledger-hooks.ts) report each step to the current call; this records it in the payer's Durable
 * Object before the next step may run. A ledger that cannot be written
 * stops the call (nothing served unclaimed, nothing settled unrecorded).
 */
export class PaidCall {
  readonly trace: FacilitatorTrace = {};
  private ledger?: DurableObjectStub<PayerLedger>;
  private nonce?: string;
  private claimed = false;
  private state?: PaymentState;
  private ledgerFault?: string;
  /** What the creator answered, recorded together with `settling` (after-mode APIs). */
  private served?: { responseStatus: number; latencyMs: number };
  private readonly startedAt = Date.now();
  /** The machine-readable reason of the last refusal x402 was told about (its 402 carries it). */
  refusal?: string;
  /**
   * x402 got as far as verifying this payment: any 402 now carries the code of the scheme, the
   * facilitator or a hook (e.g. batch-settlement's corrective 402, which clients act on).
   */
  verifying = false;
  /**
   * Set when this call pays with a batch-settlement voucher: the SDK's scheme keeps the channel
   * (and records the charged voucher) in the payer's ledger; the exact-payment steps do not apply.
   */
  channel?: ChannelSession;

  constructor(
    private readonly env: DispatchEnv,
    readonly api: ApiRecord,
    /** This API's x402 route (price, payTo, discovery), which the isolate's gate reads per call. */
    readonly route: RouteConfig,
    private readonly run: () => Promise<Response>,
  ) {}

  /**
   * Settle-before APIs: x402's upfront flow skips /verify and lets settle establish validity;
   * verifying here first keeps "claim only what verified" true for both flows.
   */
  async beforeVerify(
    paymentPayload: PaymentPayload,
    requirements: PaymentRequirements,
    facilitator: FacilitatorClient,
  ): Promise<{ skip: true; result: VerifyResponse } | Abort | undefined> {
    this.verifying = true;
    if (this.api.settleMode !== "before" || this.channel) return undefined;
    try {
      return { skip: true, result: await facilitator.verify(paymentPayload, requirements) };
    } catch {
      return this.refuse({
        abort: true,
        reason: "facilitator_unavailable",
        message: "the facilitator could not verify",
      });
    }
  }

  /**
   * A payment is claimed only once the facilitator found it valid: a refused payment leaves no row,
   * so it can neither burn the payer's nonce nor ever be settled later.
   */
  async afterVerify(paymentPayload: PayloadLike, result: { isValid: boolean; invalidReason?: string }) {
    if (!result.isValid) {
      this.refusal = result.invalidReason ?? "invalid_payment";
      return undefined;
    }
    if (this.channel) return undefined;
    return this.refuse(await this.claim(paymentPayload));
  }

  /** served (with the creator's answer) then settling, in one ledger call, before settle is sent. */
  async beforeSettle(): Promise<Abort | undefined> {
    if (this.channel) return undefined;
    if (!this.claimed) return this.ledgerAbort("settlement requested for an unclaimed payment");
    const steps: AdvanceInput[] = this.served ? [{ state: "served", ...this.served }] : [];
    return (await this.record(...steps, { state: "settling" })) ? undefined : this.ledgerAbort();
  }

  /** The facilitator settled: the transaction is recorded. */
  async afterSettle(transaction: string): Promise<void> {
    await this.record({ state: "settled", txHash: transaction, latencyMs: Date.now() - this.startedAt });
  }

  /** Settlement failed: `failed` when certainly nothing moved, else `unknown` for reconciliation. */
  async settleFailed(error: Error): Promise<void> {
    const reason = error instanceof SettleError ? (error.errorReason ?? error.message) : error.message;
    this.refusal ??= error instanceof SettleError ? error.errorReason : undefined;
    await this.record({ state: nothingWasSettled(error) ? "failed" : "unknown", error: reason });
  }

  /** x402 cancelled a verified payment (the creator failed): not charged. */
  async canceled(reason: string, responseStatus: number | undefined): Promise<void> {
    if (this.claimed)
      await this.record({
        state: "failed",
        error: `not charged: ${reason}`,
        responseStatus: responseStatus ?? null,
      });
  }

  /**
   * Runs the creator once for this claimed payment. Settle-before APIs record its answer now; for
   * settle-after APIs it is recorded as `served` together with `settling` (a failed answer is
   * recorded as `failed` when x402 cancels the payment).
   */
  async serve(): Promise<Response> {
    const answered = await this.run();
    const charge = this.channel ? reportedCharge(answered, this.api.priceAtomic) : undefined;
    // forwardToCreator has read the whole body within the creator's limits (a body that fails
    // midway is already its uncharged 502), so x402 can buffer it again safely.
    const response =
      charge !== undefined && answered.status < 400 ? withSettlementOverride(answered, charge) : answered;
    const answer = { responseStatus: response.status, latencyMs: Date.now() - this.startedAt };
    if (this.api.settleMode === "before") await this.record({ state: "settled", ...answer });
    else this.served = answer;
    return response;
  }

  /** Turns what x402 answered into the gateway's answer where the platform, not the payment, failed. */
  async finish(response: Response): Promise<Response> {
    if (this.ledgerFault && this.state !== "settled") return this.ledgerUnavailable();
    if (this.state === "verified" || this.state === "served") {
      // x402 ended the call without asking for settlement: nothing was sent, so nothing is owed.
      await this.record({ state: "failed", error: `not charged: ended with status ${response.status}` });
      if (response.status === 402 || response.status < 400) return unexpectedEnd(this.api.slug);
    }
    if (this.state === "settling") {
      await this.record({ state: "unknown", error: this.trace.error?.message ?? "no settlement outcome" });
    }
    if (this.state === "unknown") {
      return errorResponse(
        502,
        "settlement_unknown",
        "the facilitator did not confirm settlement; the payment is recorded and will be reconciled against the chain, never charged twice",
        {
          api: this.api.slug,
          cause: this.trace.error?.message ?? null,
        },
      );
    }
    if (this.trace.error && !this.claimed) {
      return errorResponse(
        502,
        "facilitator_unavailable",
        `the payment facilitator failed during ${this.trace.error.operation}; the API was not run and nothing was charged`,
        {
          api: this.api.slug,
          cause: this.trace.error.message,
        },
      );
    }
    return response;
  }

  private async claim(payload: PayloadLike): Promise<Abort | undefined> {
    const authorization = readAuthorization(payload);
    if (!authorization)
      return {
        abort: true,
        reason: "unsupported_payload",
        message: "only EIP-3009 exact payments are accepted",
      };
    const settings = dispatchSettings(this.env);
    const ledgerNamespace = this.env.PAYER_LEDGER;
    if (!ledgerNamespace) return this.ledgerAbort("no PAYER_LEDGER binding");
    this.ledger = ledgerNamespace.get(ledgerNamespace.idFromName(authorization.from.toLowerCase()));
    this.nonce = authorization.nonce;
    try {
      const result = await this.ledger.claim(authorization.from, {
        nonce: authorization.nonce,
        apiSlug: this.api.slug,
        payTo: this.api.payTo,
        amount: this.api.priceAtomic,
        network: settings.network,
        asset: settings.asset,
        settleMode: this.api.settleMode,
        validBefore: Number(authorization.validBefore),
        payloadJson: JSON.stringify(payload),
      });
      if (result.claimed) {
        this.claimed = true;
        this.state = "verified";
        return undefined;
      }
      return {
        abort: true,
        reason: "payment_already_used",
        message: `this payment authorization was already used (for '${result.apiSlug}', now ${result.state}); sign a new one`,
      };
    } catch (error) {
      return this.ledgerAbort(error);
    }
  }

  private async record(...steps: AdvanceInput[]): Promise<boolean> {
    if (!this.ledger || !this.nonce || !this.claimed) return false;
    try {
      const result = await this.ledger.advanceThrough(this.nonce, steps);
      if (!result.ok) throw new Error(result.reason);
      this.state = steps.at(-1)!.state;
      return true;
    } catch (error) {
      this.ledgerFault = error instanceof Error ? error.message : String(error);
      console.error(`payer ledger write failed for ${this.api.slug}`, error);
      return false;
    }
  }

  private refuse<T extends Abort | undefined>(abort: T): T {
    if (abort) this.refusal = abort.reason;
    return abort;
  }

  private ledgerAbort(error?: unknown): Abort {
    this.refusal = "ledger_unavailable";
    this.ledgerFault = error instanceof Error ? error.message : String(error ?? "ledger write failed");
    return {
      abort: true,
      reason: "ledger_unavailable",
      message: "the payment could not be recorded; nothing was charged",
    };
  }

  private ledgerUnavailable(): Response {
    return errorResponse(
      503,
      "ledger_unavailable",
      "the payment could not be recorded, so it was not charged; retry with a new signature",
      {
        api: this.api.slug,
      },
    );
  }
}

function unexpectedEnd(slug: string): Response {
  return errorResponse(
    502,
    "payment_not_completed",
    "the call ended before its payment was settled; nothing was charged",
    {
      api: slug,
    },
  );
}

function readAuthorization(payload: PayloadLike): Authorization | undefined {
  const inner = payload.payload as { authorization?: Partial<Authorization> } | undefined;
  const authorization = inner?.authorization;
  if (!authorization?.from || !authorization.nonce || authorization.validBefore === undefined)
    return undefined;
  return {
    from: String(authorization.from),
    nonce: String(authorization.nonce),
    validBefore: String(authorization.validBefore),
  };
}
