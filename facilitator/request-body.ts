import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { type Address, getAddress, type Hex, isAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), "must be a 0x-prefixed 20-byte address")
  .transform((s) => getAddress(s));
const uintString = z.string().regex(/^\d{1,78}$/, "must be a decimal integer string");
const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "must be 0x-prefixed hex bytes");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x-prefixed 32-byte hex");

const requirementsSchema = z.looseObject({
  scheme: z.string().min(1),
  network: z
    .string()
    .regex(/^eip155:\d+$/, "must be eip155:<chainId> (this facilitator settles on EVM chains)"),
  amount: uintString,
  asset: address,
  payTo: address,
  maxTimeoutSeconds: z.number().int().positive(),
  extra: z.record(z.string(), z.unknown()).nullish(),
});

// The EIP-3009 shape of the `exact` scheme's inner payload. Permit2 payloads are refused: this
// facilitator's once-only guarantee is keyed on the EIP-3009 (authorizer, nonce).
const eip3009PayloadSchema = z.object({
  signature: hex.refine((s) => s.length > 2, "must not be empty"),
  authorization: z.object({
    from: address,
    to: address,
    value: uintString,
    validAfter: uintString,
    validBefore: uintString,
    nonce: bytes32,
  }),
});

const bodySchema = z.object({
  x402Version: z.literal(2, "only x402 version 2 is supported").optional(),
  paymentPayload: z.looseObject({
    x402Version: z.literal(2, "only x402 version 2 is supported"),
    resource: z.unknown().optional(),
    accepted: requirementsSchema,
    payload: eip3009PayloadSchema,
    extensions: z.record(z.string(), z.unknown()).nullish(),
  }),
  paymentRequirements: requirementsSchema,
});

export interface ParsedAuthorization {
  from: Address;
  to: Address;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: Hex;
  signature: Hex;
}

export interface FacilitatorRequest {
  paymentPayload: PaymentPayload;
  paymentRequirements: PaymentRequirements;
  authorization: ParsedAuthorization;
}

export type ParseResult = { ok: true; request: FacilitatorRequest } | { ok: false; reason: string };

/** Validates a /verify or /settle body; on failure says which field is wrong and why. */
export function parseFacilitatorRequest(body: unknown): ParseResult {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
      .join("; ");
    return { ok: false, reason };
  }
  const { paymentPayload } = parsed.data;
  const { authorization, signature } = paymentPayload.payload;
  return {
    ok: true,
    request: {
      // The x402 library gets the body as sent (addresses unchanged); only our own
      // bookkeeping uses the normalised copy below.
      paymentPayload: (body as { paymentPayload: PaymentPayload }).paymentPayload,
      paymentRequirements: (body as { paymentRequirements: PaymentRequirements }).paymentRequirements,
      authorization: {
        from: authorization.from,
        to: authorization.to,
        value: BigInt(authorization.value),
        validAfter: BigInt(authorization.validAfter),
        validBefore: BigInt(authorization.validBefore),
        nonce: authorization.nonce as Hex,
        signature: signature as Hex,
      },
    },
  };
}
