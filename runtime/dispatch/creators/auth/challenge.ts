import { getAddress, isAddress } from "viem";
import { createSiweMessage } from "viem/siwe";
import { z } from "zod";

/** What the creator is asked to sign; shown by wallets as the first line after the domain. */
export const SIGN_IN_STATEMENT = "Sign in to 402claw to read your APIs' earnings and logs.";

const challengeInput = z
  .object({
    /** The site's host (and port), exactly as the browser/CLI reaches it, e.g. "api.example.com". */
    domain: z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, "must be a host[:port] without scheme or path"),
    /** The resource the sign-in is for; must be on `domain`. */
    uri: z.url({ protocol: /^https?$/ }),
    address: z.string().refine((a) => isAddress(a, { strict: false }), "must be a 0x wallet address"),
    chainId: z.number().int().positive(),
    now: z.date(),
    /** How long the signed message stays usable; short, since it only opens a session. */
    ttlSeconds: z.number().int().min(10).max(3600).default(300),
  })
  .refine((input) => new URL(input.uri).host === input.domain.toLowerCase(), {
    message: "uri must be on the same host as domain",
    path: ["uri"],
  });

export type ChallengeInput = z.input<typeof challengeInput>;

export interface Challenge {
  /** The EIP-4361 message for the wallet to sign (personal_sign), unchanged. */
  message: string;
  nonce: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Builds an EIP-4361 (Sign-In with Ethereum) challenge for a creator's wallet. Record the nonce in
 * a NonceStore (`issue(nonce, expiresAt)`) before handing the message out.
 */
export function createChallenge(input: ChallengeInput): Challenge {
  const parsed = challengeInput.safeParse(input);
  if (!parsed.success) throw new Error(`invalid sign-in challenge input:\n${z.prettifyError(parsed.error)}`);
  const { domain, uri, address, chainId, now, ttlSeconds } = parsed.data;
  const nonce = randomNonce();
  const issuedAt = new Date(now.getTime());
  const expiresAt = new Date(issuedAt.getTime() + ttlSeconds * 1000);
  const message = createSiweMessage({
    domain,
    uri,
    address: getAddress(address),
    chainId,
    nonce,
    issuedAt,
    expirationTime: expiresAt,
    statement: SIGN_IN_STATEMENT,
    version: "1",
  });
  return { message, nonce, issuedAt, expiresAt };
}

// 128 bits from Web Crypto (Workers and Node alike). viem's generateSiweNonce is not used because
// it draws from Math.random, which is guessable.
function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
