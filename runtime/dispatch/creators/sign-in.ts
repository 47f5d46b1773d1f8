import { getAddress } from "viem";
import { z } from "zod";
import { HttpError } from "../../shared/http-error.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { createChallenge } from "./auth/challenge.ts";
import { SignInError } from "./auth/sign-in-error.ts";
import { verifySignIn } from "./auth/verify-sign-in.ts";
import { consumeNonce, issueNonce } from "./d1-nonces.ts";
import { jsonBody } from "./json-body.ts";
import { authSecret } from "./require-creator.ts";
import type { ChallengeResponse, SessionResponse } from "./responses.ts";
import { SESSION_TTL_MS, signSessionToken } from "./session-token.ts";

/** How long a challenge may be signed and exchanged: enough to find the wallet, short enough to not linger. */
export const CHALLENGE_TTL_SECONDS = 300;

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x wallet address (40 hex digits)");
const challengeBody = z.object({ address });
const sessionBody = z.object({
  message: z.string().min(1).max(4096),
  signature: z.string().min(1).max(2000),
});

/** `POST /creators/challenge {address}`: an EIP-4361 message for that wallet to sign, its nonce kept in D1. */
export async function issueChallenge(
  request: Request,
  env: DispatchEnv,
  now: number,
): Promise<ChallengeResponse> {
  authSecret(env); // a challenge that can never become a session would only mislead
  const body = await jsonBody(request, challengeBody);
  const site = new URL(request.url);
  const wallet = getAddress(body.address);
  const challenge = createChallenge({
    domain: site.host,
    uri: site.origin,
    address: wallet,
    chainId: chainIdOf(env),
    now: new Date(now),
    ttlSeconds: CHALLENGE_TTL_SECONDS,
  });
  await issueNonce(env.DB, challenge.nonce, wallet, challenge.expiresAt.getTime(), now);
  return { message: challenge.message, nonce: challenge.nonce, expiresAt: challenge.expiresAt.toISOString() };
}

/** `POST /creators/session {message, signature}`: a short-lived bearer token for the wallet that signed. */
export async function openSession(request: Request, env: DispatchEnv, now: number): Promise<SessionResponse> {
  const secret = authSecret(env);
  const body = await jsonBody(request, sessionBody);
  const site = new URL(request.url);
  try {
    const signIn = await verifySignIn({
      message: body.message,
      signature: body.signature,
      expectedDomain: site.host,
      expectedOrigin: site.origin,
      now: new Date(now),
      maxLifetimeSeconds: CHALLENGE_TTL_SECONDS,
      consumeNonce: (nonce) => consumeNonce(env.DB, nonce, now),
    });
    const expiresAt = now + SESSION_TTL_MS;
    return {
      token: await signSessionToken(secret, signIn.address, expiresAt),
      address: signIn.address,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  } catch (error) {
    if (error instanceof SignInError) {
      throw new HttpError(error.status, "sign_in_refused", error.message, { reason: error.reason });
    }
    throw error;
  }
}

// The chain the gateway takes payments on is the one creators sign in for.
function chainIdOf(env: DispatchEnv): number {
  // The settings schema guarantees the eip155:<id> form.
  return Number(dispatchSettings(env).network.split(":")[1]);
}
