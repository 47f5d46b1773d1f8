import { decodeBase64Json } from "../../shared/base64-json.ts";

/** What a payment must match: the requirements this API quotes now (or quoted recently). */
export interface ExpectedTerms {
  scheme: string;
  network: string;
  asset: string;
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: Record<string, unknown>;
}

/** A price this API charged before the current one, honoured for quotes made until `until` (ms). */
export interface EarlierPrice {
  amount: string;
  payTo: string;
  until: number;
}

/** The channel a batch-settlement payment pays from: its payer's ledger holds the channel's state. */
export interface ChannelRef {
  payer: string;
  channelId: string;
}

export type Inspection =
  | { ok: true; honouredPrice?: { amount: string; payTo: string }; channel?: ChannelRef }
  | { ok: false; code: string; message: string };

/** The scheme name of x402's payment channels (`@x402/evm` batch-settlement). */
export const BATCH_SCHEME = "batch-settlement";
const BATCH_PAYLOAD_TYPES = ["voucher", "deposit", "refund"];

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^\d{1,78}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
// 65-byte ECDSA signatures, or longer smart-wallet signatures (EIP-1271/6492), as even-length hex.
const SIGNATURE = /^0x(?:[0-9a-fA-F]{2}){65,}$/;

/**
 * Checks a PAYMENT-SIGNATURE header before anything is verified, so every refusal names exactly
 * what is wrong (x402 itself would answer "Payment required" or a facilitator error for most).
 */
export function inspectPayment(
  header: string,
  expected: ExpectedTerms,
  earlierPrices: readonly EarlierPrice[],
  now = Date.now(),
  batchExpected?: ExpectedTerms,
): Inspection {
  let decoded: unknown;
  try {
    decoded = decodeBase64Json(header);
  } catch {
    return refuse("invalid_payment_header", "the PAYMENT-SIGNATURE header is not base64-encoded JSON");
  }
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) {
    return refuse("invalid_payment_payload", "the payment must be a JSON object (an x402 PaymentPayload)");
  }
  const payload = decoded as Record<string, unknown>;
  if (payload.x402Version !== 2) {
    return refuse(
      "unsupported_x402_version",
      `this gateway speaks x402 version 2, the payment says ${JSON.stringify(payload.x402Version)}`,
    );
  }
  const accepted = payload.accepted as Record<string, unknown> | undefined;
  if (typeof accepted !== "object" || accepted === null) {
    return refuse(
      "invalid_payment_payload",
      "the payment does not say which requirements it accepted (`accepted`)",
    );
  }
  if (batchExpected && accepted.scheme === BATCH_SCHEME) {
    const channel = checkChannelPayload(payload.payload);
    if (!("channelId" in channel)) return channel;
    const terms = checkTerms(accepted, batchExpected, earlierPrices, now);
    return terms.ok ? { ...terms, channel } : terms;
  }
  // A scheme this gateway does not offer is named as such, not as a malformed exact payment.
  if (!same(accepted.scheme, expected.scheme)) return checkTerms(accepted, expected, earlierPrices, now);
  const fieldProblem = checkAuthorization(payload.payload);
  if (fieldProblem) return fieldProblem;
  return checkTerms(accepted, expected, earlierPrices, now);
}

/** A batch-settlement payload's shape: a voucher (or deposit, or refund) on a channel of its payer. */
function checkChannelPayload(inner: unknown): ChannelRef | Inspection {
  const body = (inner ?? {}) as {
    type?: unknown;
    channelConfig?: Record<string, unknown>;
    voucher?: Record<string, unknown>;
  };
  if (typeof body.type !== "string" || !BATCH_PAYLOAD_TYPES.includes(body.type)) {
    return refuse(
      "invalid_batch_payload_type",
      `payload.type must be one of ${BATCH_PAYLOAD_TYPES.join(", ")} for a batch-settlement payment`,
    );
  }
  const config = body.channelConfig;
  if (typeof config !== "object" || config === null) {
    return refuse("missing_channel_config", "the payment names no channel (payload.channelConfig)");
  }
  for (const field of ["payer", "payerAuthorizer", "receiver", "receiverAuthorizer", "token"]) {
    if (typeof config[field] !== "string" || !ADDRESS.test(config[field] as string)) {
      return refuse(`invalid_channel_${snake(field)}`, `channelConfig.${field} must be a 0x address`);
    }
  }
  const voucher = body.voucher;
  if (typeof voucher !== "object" || voucher === null) {
    return refuse("missing_voucher", "the payment carries no voucher (payload.voucher)");
  }
  const checks: Array<[string, RegExp, string]> = [
    ["channelId", BYTES32, "0x and 32 bytes of hex"],
    ["maxClaimableAmount", UINT, "a decimal string of token units"],
    ["signature", SIGNATURE, "a hex signature of at least 65 bytes"],
  ];
  for (const [field, pattern, shape] of checks) {
    if (typeof voucher[field] !== "string" || !pattern.test(voucher[field] as string)) {
      return refuse(`invalid_voucher_${snake(field)}`, `voucher.${field} must be ${shape}`);
    }
  }
  return { payer: String(config.payer).toLowerCase(), channelId: String(voucher.channelId).toLowerCase() };
}

function checkAuthorization(inner: unknown): Inspection | undefined {
  const body = (inner ?? {}) as { authorization?: Record<string, unknown>; signature?: unknown };
  const authorization = body.authorization;
  if (typeof authorization !== "object" || authorization === null) {
    return refuse(
      "missing_authorization",
      "the payment carries no EIP-3009 authorization (payload.authorization)",
    );
  }
  const checks: Array<[string, RegExp, string]> = [
    ["from", ADDRESS, "a 0x address"],
    ["to", ADDRESS, "a 0x address"],
    ["value", UINT, "a decimal string of token units"],
    ["validAfter", UINT, "a decimal unix time"],
    ["validBefore", UINT, "a decimal unix time"],
    ["nonce", BYTES32, "0x and 32 bytes of hex"],
  ];
  for (const [field, pattern, shape] of checks) {
    if (typeof authorization[field] !== "string" || !pattern.test(authorization[field] as string)) {
      return refuse(`invalid_authorization_${snake(field)}`, `authorization.${field} must be ${shape}`);
    }
  }
  if (typeof body.signature !== "string" || !SIGNATURE.test(body.signature)) {
    return refuse(
      "invalid_signature_format",
      "payload.signature must be a hex signature of at least 65 bytes",
    );
  }
  return undefined;
}

function checkTerms(
  accepted: Record<string, unknown>,
  expected: ExpectedTerms,
  earlierPrices: readonly EarlierPrice[],
  now: number,
): Inspection {
  for (const field of ["scheme", "network", "asset"] as const) {
    if (!same(accepted[field], expected[field])) {
      return refuse(
        `requirements_mismatch_${field}`,
        `this API is paid with ${field} ${expected[field]}, the payment uses ${String(accepted[field])}`,
      );
    }
  }
  if (same(accepted.amount, expected.amount) && same(accepted.payTo, expected.payTo)) return { ok: true };
  const earlier = earlierPrices.find(
    (price) => same(accepted.amount, price.amount) && same(accepted.payTo, price.payTo),
  );
  if (earlier && earlier.until + expected.maxTimeoutSeconds * 1000 > now) {
    return { ok: true, honouredPrice: { amount: earlier.amount, payTo: earlier.payTo } };
  }
  if (earlier) {
    return refuse(
      "price_changed",
      `the API's price changed to ${expected.amount} token units; the quote for ${earlier.amount} has expired`,
    );
  }
  if (!same(accepted.payTo, expected.payTo)) {
    return refuse(
      "requirements_mismatch_pay_to",
      `this API is paid to ${expected.payTo}, the payment is for ${String(accepted.payTo)}`,
    );
  }
  return refuse(
    "requirements_mismatch_amount",
    `this API costs ${expected.amount} token units, the payment offers ${String(accepted.amount)}`,
  );
}

function same(a: unknown, b: unknown): boolean {
  return typeof a === typeof b && String(a).toLowerCase() === String(b).toLowerCase();
}

function refuse(code: string, message: string): Inspection {
  return { ok: false, code, message };
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
