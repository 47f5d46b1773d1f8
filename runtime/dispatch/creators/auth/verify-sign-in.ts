import { type Address, getAddress, type Hex, isHex, verifyMessage } from "viem";
import { createSiweMessage, parseSiweMessage } from "viem/siwe";
import { SignInError } from "./sign-in-error.ts";

/** Checks that `signature` over `message` comes from `address`; default: EOA signatures (ECDSA recovery). */
export type SignatureVerifier = (args: {
  address: Address;
  message: string;
  signature: Hex;
}) => Promise<boolean>;

export interface VerifySignInInput {
  /** The EIP-4361 message exactly as signed. */
  message: string;
  signature: string;
  /** This site's host[:port]; the message must name it. */
  expectedDomain: string;
  /** When given, the message's URI must be on this origin too. */
  expectedOrigin?: string;
  now: Date;
  /** Marks the nonce used; false if it was used before (or never issued). Called last, once all else holds. */
  consumeNonce: (nonce: string) => Promise<boolean>;
  /** Upper bound on Expiration Time − Issued At, so a client cannot stretch a challenge. Default 3600. */
  maxLifetimeSeconds?: number;
  /** Tolerated clock difference for Issued At in the future. Default 30. */
  clockSkewSeconds?: number;
  /** Pass a viem public client's `verifyMessage` to also accept smart-contract wallets (EIP-1271/6492). */
  verifySignature?: SignatureVerifier;
}

export interface SignIn {
  address: Address;
  chainId: number;
  nonce: string;
  expiresAt: Date;
}

/** Verifies a creator's EIP-4361 sign-in: format, domain, validity window, signature, then the one-time nonce. */
export async function verifySignIn(input: VerifySignInInput): Promise<SignIn> {
  const fields = parseCanonical(input.message);
  const nowMs = input.now.getTime();
  const skewMs = (input.clockSkewSeconds ?? 30) * 1000;

  if (fields.domain.toLowerCase() !== input.expectedDomain.toLowerCase()) {
    throw new SignInError(
      "wrong_domain",
      `the message is for "${fields.domain}", this is "${input.expectedDomain}"`,
    );
  }
  if (
    input.expectedOrigin !== undefined &&
    new URL(fields.uri).origin !== new URL(input.expectedOrigin).origin
  ) {
    throw new SignInError(
      "wrong_domain",
      `the message's URI ${fields.uri} is not on ${input.expectedOrigin}`,
    );
  }
  const lifetimeMs = fields.expirationTime.getTime() - fields.issuedAt.getTime();
  if (lifetimeMs <= 0 || lifetimeMs > (input.maxLifetimeSeconds ?? 3600) * 1000) {
    throw new SignInError(
      "malformed",
      `the message is valid for ${lifetimeMs / 1000} s, outside what this site issues`,
    );
  }
  if (fields.issuedAt.getTime() > nowMs + skewMs) {
    throw new SignInError(
      "not_yet_valid",
      `the message was issued at ${fields.issuedAt.toISOString()}, in the future`,
    );
  }
  if (fields.notBefore && fields.notBefore.getTime() > nowMs) {
    throw new SignInError(
      "not_yet_valid",
      `the message is not valid before ${fields.notBefore.toISOString()}`,
    );
  }
  if (fields.expirationTime.getTime() <= nowMs) {
    throw new SignInError("expired", `the message expired at ${fields.expirationTime.toISOString()}`);
  }

  const verify = input.verifySignature ?? verifyMessage;
  let valid = false;
  if (isHex(input.signature)) {
    try {
      valid = await verify({ address: fields.address, message: input.message, signature: input.signature });
    } catch {
      valid = false; // an undecodable signature is just a bad one
    }
  }
  if (!valid) throw new SignInError("bad_signature", `the signature is not from ${fields.address}`);

  // Last, so a forged or stale attempt cannot burn a creator's pending challenge.
  if (!(await input.consumeNonce(fields.nonce))) {
    throw new SignInError("nonce_reused", "this challenge was already used or was not issued here");
  }
  return {
    address: fields.address,
    chainId: fields.chainId,
    nonce: fields.nonce,
    expiresAt: fields.expirationTime,
  };
}

interface CanonicalFields {
  domain: string;
  address: Address;
  uri: string;
  chainId: number;
  nonce: string;
  issuedAt: Date;
  expirationTime: Date;
  notBefore?: Date;
}

// Parses, then rebuilds the message from its fields and demands the same text: whatever the
// wallet showed is exactly what was checked (no extra lines, no second reading of a field).
function parseCanonical(message: string): CanonicalFields {
  if (message.length > 4096) throw new SignInError("malformed", "the message is too long");
  const f = parseSiweMessage(message);
  const missing = (
    ["domain", "address", "uri", "version", "chainId", "nonce", "issuedAt", "expirationTime"] as const
  ).filter((k) => f[k] === undefined);
  if (missing.length > 0) throw new SignInError("malformed", `the message lacks ${missing.join(", ")}`);
  const dates = [f.issuedAt, f.expirationTime, f.notBefore].filter((d) => d !== undefined);
  if (dates.some((d) => Number.isNaN(d.getTime())))
    throw new SignInError("malformed", "a timestamp is not a valid date");

  let rebuilt: string;
  try {
    rebuilt = createSiweMessage({ ...f, address: getAddress(f.address!) } as Parameters<
      typeof createSiweMessage
    >[0]);
  } catch (error) {
    throw new SignInError(
      "malformed",
      `the message is not valid EIP-4361 (${(error as Error).message.split("\n")[0]})`,
    );
  }
  if (rebuilt !== message)
    throw new SignInError("malformed", "the message is not in canonical EIP-4361 form");
  return {
    domain: f.domain!,
    address: getAddress(f.address!),
    uri: f.uri!,
    chainId: f.chainId!,
    nonce: f.nonce!,
    issuedAt: f.issuedAt!,
    expirationTime: f.expirationTime!,
    ...(f.notBefore ? { notBefore: f.notBefore } : {}),
  };
}
