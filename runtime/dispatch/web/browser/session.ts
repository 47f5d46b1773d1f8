import type { ChallengeResponse, SessionResponse } from "../../creators/responses.ts";
import { connectWallet } from "./wallet.ts";

// The session token lives in this module's memory only: not in a cookie (so no other site can make
// the browser send it: no CSRF), not in storage (so nothing else on this origin can read it back).
// It travels in the Authorization header of our own fetches; a reload means signing in again.
let token: string | undefined;

/** Uses a token from elsewhere (the platform admin token typed into the page). */
export function useToken(value: string): void {
  token = value;
}

/** Signs in with the browser wallet: SIWE challenge from the gateway, personal_sign, session. */
export async function signIn(network: string): Promise<SessionResponse> {
  const { address, wallet } = await connectWallet(network);
  const challenge = await call<ChallengeResponse>("/creators/challenge", {
    method: "POST",
    body: { address },
  });
  const signature = await wallet.signMessage({ account: address, message: challenge.message });
  const session = await call<SessionResponse>("/creators/session", {
    method: "POST",
    body: { message: challenge.message, signature },
  });
  token = session.token;
  return session;
}

/** A JSON call to our own gateway with the session, or the gateway's error message thrown. */
export async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? null : JSON.stringify(init.body),
    credentials: "omit",
    cache: "no-store",
  });
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok) {
    throw new Error(body?.error?.message ?? `${path} answered HTTP ${response.status}`);
  }
  return body as T;
}
