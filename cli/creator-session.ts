import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type {
  ChallengeResponse,
  PayoutsResponse,
  SessionResponse,
} from "../runtime/dispatch/creators/responses.ts";
import type { DevSettings } from "./dev-settings.ts";

/** A signed-in creator: the bearer token for /creators/me/* on one gateway. */
export interface CreatorSession {
  gateway: string;
  address: Address;
  token: string;
  expiresAt: string;
}

/** A creator endpoint's refusal, with the gateway's code (and sign-in reason, if any). */
export class CreatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = "CreatorApiError";
  }
}

/**
 * Proves the wallet to the gateway: asks for a challenge, signs it locally (the key never leaves
 * this process), and exchanges the signature for a session token.
 */
export async function signInAsCreator(gateway: string, privateKey: Hex): Promise<CreatorSession> {
  const account = privateKeyToAccount(privateKey);
  const challenge = await call<ChallengeResponse>(gateway, "/creators/challenge", {
    method: "POST",
    body: JSON.stringify({ address: account.address }),
  });
  const signature = await account.signMessage({ message: challenge.message });
  const session = await call<SessionResponse>(gateway, "/creators/session", {
    method: "POST",
    body: JSON.stringify({ message: challenge.message, signature }),
  });
  return { gateway, address: session.address as Address, token: session.token, expiresAt: session.expiresAt };
}

/** Calls a /creators/me endpoint as the signed-in creator. */
export function creatorFetch<T>(session: CreatorSession, path: string, init: RequestInit = {}): Promise<T> {
  return call<T>(session.gateway, path, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${session.token}` },
  });
}

/**
 * Records the payouts that `txHashes` made out of `slug`'s split (for `withdraw` and friends). The
 * gateway reads the transactions from the chain itself; this only names them.
 */
export async function recordPayouts(
  settings: Pick<DevSettings, "gateway">,
  key: Hex,
  slug: string,
  txHashes: readonly string[],
): Promise<PayoutsResponse> {
  const session = await signInAsCreator(settings.gateway, key);
  return creatorFetch<PayoutsResponse>(session, "/creators/me/payouts", {
    method: "POST",
    body: JSON.stringify({ slug, txHashes }),
  });
}

async function call<T>(gateway: string, path: string, init: RequestInit): Promise<T> {
  const headers = { "content-type": "application/json", ...(init.headers as Record<string, string>) };
  const response = await fetch(`${gateway}${path}`, { ...init, headers }).catch(() => {
    throw new Error(`cannot reach ${gateway}: is the marketplace running (\`npm start\`)?`);
  });
  const body = (await response.json().catch(() => null)) as
    | (T & { error?: { code?: string; message?: string; reason?: string } })
    | null;
  if (!response.ok) {
    const error = body?.error;
    throw new CreatorApiError(
      response.status,
      error?.code ?? "unexpected_response",
      `${path} answered ${response.status}: ${error?.message ?? "no error message"}`,
      error?.reason,
    );
  }
  if (body === null) throw new Error(`${path} answered ${response.status} without JSON`);
  return body;
}
