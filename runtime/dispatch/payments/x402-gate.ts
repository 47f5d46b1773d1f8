import type { Context } from "hono";
import { errorResponse } from "../../shared/http-error.ts";
import type { ApiRecord } from "../api-record.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { withCall } from "./call-context.ts";
import { ChannelSession } from "./channel-storage.ts";
import { BATCH_SCHEME, inspectPayment } from "./inspect-payment.ts";
import { PaidCall } from "./paid-call.ts";
import { type PaymentConfig, paymentConfig } from "./payment-config.ts";
import { paymentGate } from "./payment-gate.ts";
import { withCodedReason, withReason } from "./refusal.ts";
import { routeConfigFor } from "./route-config.ts";

/** Payment headers larger than this are refused before any decoding (a real one is ~1 KB). */
export const MAX_PAYMENT_HEADER_BYTES = 16 * 1024;
const PAYMENT_HEADERS = ["payment-signature", "x-payment"];
/** x402 v1 clients pay with X-PAYMENT; this gateway speaks v2 (PAYMENT-SIGNATURE) only. */
const LEGACY_HEADER = {
  code: "unsupported_x402_version",
  message:
    "X-PAYMENT is x402 version 1's header; this gateway speaks x402 version 2: sign the PAYMENT-REQUIRED offer and send it as PAYMENT-SIGNATURE",
};

/**
 * The x402 gate (@x402/hono, not a re-implementation): unpaid → 402 with this API's requirements;
 * paid → verify, claim in the payer ledger, run the creator once, settle if it succeeded.
 * The gate is built once per isolate (payment-gate.ts); this call's API, price and ledger state
 * reach it through the call context.
 */
export async function chargeFor(
  c: Context<{ Bindings: DispatchEnv }>,
  api: ApiRecord,
  serve: () => Promise<Response>,
): Promise<Response> {
  const header = c.req.header("payment-signature") ?? "";
  const legacy = c.req.header("x-payment") ?? "";
  if (Math.max(header.length, legacy.length) > MAX_PAYMENT_HEADER_BYTES) {
    return errorResponse(
      400,
      "payment_header_too_large",
      `the payment header exceeds ${MAX_PAYMENT_HEADER_BYTES} bytes`,
    );
  }
  const config = paymentConfig(c.env);
  const inspection = header
    ? inspectPayment(
        header,
        expectedTerms(api, config, "exact"),
        api.earlierPrices,
        Date.now(),
        config.batch ? expectedTerms(api, config, BATCH_SCHEME) : undefined,
      )
    : undefined;
  // A quote paid just before a price change is honoured at the price it was quoted.
  const priced =
    inspection?.ok && inspection.honouredPrice
      ? { ...api, priceAtomic: inspection.honouredPrice.amount, payTo: inspection.honouredPrice.payTo }
      : api;
  const resourceUrl = new URL(new URL(c.req.url).pathname, dispatchSettings(c.env).publicOrigin);
  resourceUrl.search = "";
  const call = new PaidCall(c.env, priced, routeConfigFor(priced, config, resourceUrl.toString()), serve);
  if (inspection?.ok && inspection.channel) {
    const ledgers = c.env.PAYER_LEDGER!;
    call.channel = new ChannelSession(
      inspection.channel.channelId,
      ledgers.get(ledgers.idFromName(inspection.channel.payer)),
      { apiSlug: priced.slug, payTo: priced.payTo, network: config.network, asset: config.asset },
    );
  }
  const gate = paymentGate(config);
  if (!(await gate.ready()))
    return call.finish(
      errorResponse(502, "facilitator_unavailable", "the payment facilitator cannot be reached"),
    );
  const refusal = inspection && !inspection.ok ? inspection : legacy && !header ? LEGACY_HEADER : undefined;
  return withCall(call, async () => {
    if (refusal) {
      // Refused before anything is verified: answer the standard 402 quote, with the precise reason.
      const quote = await gate.app.fetch(withoutPaymentHeaders(c.req.raw), c.env, c.executionCtx);
      return withReason(quote, refusal.code, refusal.message);
    }
    const response = await gate.app.fetch(c.req.raw, c.env, c.executionCtx);
    const code = call.refusal ?? (call.verifying ? undefined : unverifiedRefusal(header));
    const finished = await call.finish(response);
    return code ? withCodedReason(finished, code) : finished;
  });
}

/**
 * x402 refused without asking the facilitator or a hook: with no payment, that is the plain quote;
 * with one, the payment matched none of the offered requirements (inspect-payment.ts names the
 * usual mismatches before x402 runs).
 */
function unverifiedRefusal(header: string): string {
  return header ? "requirements_mismatch" : "payment_required";
}

function expectedTerms(api: ApiRecord, config: PaymentConfig, scheme: string) {
  return {
    scheme,
    network: config.network,
    asset: config.asset,
    amount: api.priceAtomic,
    payTo: api.payTo,
    maxTimeoutSeconds: config.maxTimeoutSeconds,
    extra: { name: config.assetName, version: config.assetVersion },
  };
}

function withoutPaymentHeaders(request: Request): Request {
  const headers = new Headers(request.headers);
  for (const name of PAYMENT_HEADERS) headers.delete(name);
  return new Request(request.url, { method: request.method, headers });
}
