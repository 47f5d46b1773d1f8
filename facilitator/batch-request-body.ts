import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { type Address, encodeAbiParameters, getAddress, type Hex, isAddress, keccak256 } from "viem";
import { z } from "zod";

const address = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), "must be a 0x-prefixed 20-byte address")
  .transform((s) => getAddress(s));
const uintString = z.string().regex(/^\d{1,78}$/, "must be a decimal integer string");
const signature = z.string().regex(/^0x([0-9a-fA-F]{2})+$/, "must be 0x-prefixed hex bytes");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x-prefixed 32-byte hex");
// An ERC-3009 deposit salt is a uint256, written in decimal or hex.
const uint256 = z.string().regex(/^(\d{1,78}|0x[0-9a-fA-F]{1,64})$/, "must be a uint256 (decimal or 0x hex)");

const requirementsSchema = z.looseObject({
  scheme: z.literal("batch-settlement"),
  network: z
    .string()
    .regex(/^eip155:\d+$/, "must be eip155:<chainId> (this facilitator settles on EVM chains)"),
  amount: uintString,
  asset: address,
  payTo: address,
  // The SDK's channel manager sends 0 for its claim and settle operations.
  maxTimeoutSeconds: z.number().int().nonnegative(),
  extra: z.record(z.string(), z.unknown()).nullish(),
});

const channelConfig = z.looseObject({
  payer: address,
  payerAuthorizer: address,
  receiver: address,
  receiverAuthorizer: address,
  token: address,
  withdrawDelay: z.number().int().nonnegative(),
  salt: bytes32,
});
const voucher = z.looseObject({ channelId: bytes32, maxClaimableAmount: uintString, signature });
const voucherClaim = z.looseObject({
  voucher: z.looseObject({ channel: channelConfig, maxClaimableAmount: uintString }),
  signature,
  totalClaimed: uintString,
});

/** The most channel rows one claim may carry (the SDK batches at most 100 by default). */
export const MAX_CLAIM_ROWS = 200;

const payloadSchema = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("deposit"),
    channelConfig,
    voucher,
    deposit: z.looseObject({
      amount: uintString,
      authorization: z.looseObject({
        // Deposits are keyed on their ERC-3009 nonce so each one is broadcast at most once;
        // Permit2 deposits have no such key here and are refused.
        erc3009Authorization: z.looseObject({
          validAfter: uintString,
          validBefore: uintString,
          salt: uint256,
          signature,
        }),
      }),
    }),
  }),
  z.looseObject({ type: z.literal("voucher"), channelConfig, voucher }),
  z.looseObject({
    type: z.literal("refund"),
    channelConfig,
    voucher,
    amount: uintString.optional(),
    refundNonce: uintString.optional(),
    claims: z.array(voucherClaim).max(MAX_CLAIM_ROWS).optional(),
  }),
  z.looseObject({
    type: z.literal("claim"),
    claims: z.array(voucherClaim).min(1, "a claim needs at least one voucher").max(MAX_CLAIM_ROWS),
    claimAuthorizerSignature: signature.optional(),
  }),
  z.looseObject({ type: z.literal("settle"), receiver: address, token: address }),
]);

const bodySchema = z.object({
  x402Version: z.literal(2, "only x402 version 2 is supported").optional(),
  paymentPayload: z.looseObject({
    x402Version: z.literal(2, "only x402 version 2 is supported"),
    accepted: requirementsSchema,
    payload: payloadSchema,
  }),
  paymentRequirements: requirementsSchema,
});

export type BatchPayloadType = "deposit" | "voucher" | "refund" | "claim" | "settle";

/** A deposit's ERC-3009 authorization, identified as the token identifies it. */
export interface DepositAuthorization {
  payer: Address;
  /** The EIP-3009 nonce: keccak256(abi.encode(channelId, salt)). */
  nonce: Hex;
  validBefore: bigint;
  signature: Hex;
  amount: bigint;
}

export interface BatchFacilitatorRequest {
  paymentPayload: PaymentPayload;
  paymentRequirements: PaymentRequirements;
  type: BatchPayloadType;
  /** Set for deposits: the once-only key. */
  deposit?: DepositAuthorization;
}

export type BatchParseResult = { ok: true; request: BatchFacilitatorRequest } | { ok: false; reason: string };

/** Validates a batch-settlement /verify or /settle body; on failure says which field is wrong and why. */
export function parseBatchRequest(body: unknown): BatchParseResult {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
      .join("; ");
    return { ok: false, reason };
  }
  const payload = parsed.data.paymentPayload.payload;
  const raw = body as { paymentPayload: PaymentPayload; paymentRequirements: PaymentRequirements };
  const request: BatchFacilitatorRequest = {
    // x402 gets the body as sent; only our own bookkeeping uses the normalised copy.
    paymentPayload: raw.paymentPayload,
    paymentRequirements: raw.paymentRequirements,
    type: payload.type,
  };
  if (payload.type === "deposit") {
    const auth = payload.deposit.authorization.erc3009Authorization;
    request.deposit = {
      payer: payload.channelConfig.payer,
      nonce: keccak256(
        encodeAbiParameters(
          [{ type: "bytes32" }, { type: "uint256" }],
          [payload.voucher.channelId as Hex, BigInt(auth.salt)],
        ),
      ),
      validBefore: BigInt(auth.validBefore),
      signature: auth.signature as Hex,
      amount: BigInt(payload.deposit.amount),
    };
  }
  return { ok: true, request };
}
