// Builds real x402 v2 payment payloads with the official client side (@x402/core's x402Client
// + @x402/evm's exact client scheme), for tests and local tools.
import { x402Client } from "@x402/core/client";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { randomNonce, signTransferAuthorization } from "../chain/sign-authorization.ts";
import { USDC3009_NAME, USDC3009_VERSION } from "../chain/usdc3009-abi.ts";

/** `exact` requirements for our test token: amount in token units, EIP-712 domain in `extra`. */
export function exactRequirements(opts: {
  chainId: number;
  asset: Address;
  payTo: Address;
  amount: string;
  maxTimeoutSeconds?: number;
}): PaymentRequirements {
  return {
    scheme: "exact",
    network: `eip155:${opts.chainId}`,
    asset: opts.asset,
    amount: opts.amount,
    payTo: opts.payTo,
    maxTimeoutSeconds: opts.maxTimeoutSeconds ?? 60,
    extra: { name: USDC3009_NAME, version: USDC3009_VERSION },
  };
}

/** Signs a payment for `requirements` as the x402 client library would for a 402 answer. */
export async function createPaymentPayload(
  privateKey: Hex,
  requirements: PaymentRequirements,
): Promise<PaymentPayload> {
  const client = new x402Client()
    .register(
      requirements.network as `${string}:${string}`,
      new ExactEvmScheme(privateKeyToAccount(privateKey)),
    )
    // The client only pays known mainnet assets unless told otherwise; our local token is not one.
    .setSpendControls({
      allowedAssets: [{ network: requirements.network as `${string}:${string}`, asset: requirements.asset }],
    });
  return client.createPaymentPayload({
    x402Version: 2,
    resource: { url: "http://127.0.0.1/test", description: "test", mimeType: "application/json" },
    accepts: [requirements],
  });
}

/** What a hand-signed payment may get wrong on purpose: each field departs from the requirements. */
export interface SignedTerms {
  /** What the signature covers, where it departs from `requirements`. */
  to?: Address;
  value?: bigint;
  chainId?: number;
  asset?: Address;
  validAfter?: bigint;
  validBefore?: bigint;
  /** The nonce (default: random), e.g. to send two payments with one nonce. */
  nonce?: Hex;
  /** The `from` the authorization claims (default: the signer's address). */
  from?: Address;
}

/**
 * A payload signed by hand (the library always picks "now" and refuses odd terms): by default it
 * agrees with `requirements` and is valid from 10 minutes ago for `maxTimeoutSeconds`.
 */
export async function signPaymentPayload(
  privateKey: Hex,
  requirements: PaymentRequirements,
  terms: SignedTerms = {},
): Promise<PaymentPayload> {
  const signer = privateKeyToAccount(privateKey);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const authorization = {
    from: terms.from ?? signer.address,
    to: terms.to ?? (requirements.payTo as Address),
    value: terms.value ?? BigInt(requirements.amount),
    validAfter: terms.validAfter ?? now - 600n,
    validBefore: terms.validBefore ?? now + BigInt(requirements.maxTimeoutSeconds),
    nonce: terms.nonce ?? randomNonce(),
  };
  const chainId = terms.chainId ?? Number(requirements.network.split(":")[1]);
  const asset = terms.asset ?? (requirements.asset as Address);
  const signature = await signTransferAuthorization(signer, asset, chainId, authorization);
  return {
    x402Version: 2,
    accepted: requirements,
    payload: {
      authorization: {
        ...authorization,
        value: authorization.value.toString(),
        validAfter: authorization.validAfter.toString(),
        validBefore: authorization.validBefore.toString(),
      },
      signature,
    },
  };
}

/** A payload signed by hand with chosen validity bounds. */
export function createPaymentPayloadWithWindow(
  privateKey: Hex,
  requirements: PaymentRequirements,
  window: { validAfter: bigint; validBefore: bigint },
): Promise<PaymentPayload> {
  return signPaymentPayload(privateKey, requirements, window);
}
