import { HttpError } from "../../shared/http-error.ts";

/** How long a creator session lasts after a wallet sign-in: short, since signing in again is cheap. */
export const SESSION_TTL_MS = 60 * 60 * 1000;

// The signed text is prefixed with a purpose so an HMAC made with the same secret for anything
// else can never pass as a session, and versioned so the format can change without ambiguity.
const PURPOSE = "402claw-creator-session:v1:";
const TOKEN_PATTERN = /^(0x[0-9a-fA-F]{40})\.(\d{13,15})\.([A-Za-z0-9_-]{43})$/;

/** A verified session: who signed in and until when (unix ms). */
export interface CreatorSession {
  address: string;
  expiresAt: number;
}

/** Signs `<address>.<expiry ms>.<HMAC-SHA256, base64url>` with AUTH_SECRET (Web Crypto). */
export async function signSessionToken(secret: string, address: string, expiresAt: number): Promise<string> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new Error(`not a wallet address: ${address}`);
  const payload = `${address}.${Math.floor(expiresAt)}`;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encode(PURPOSE + payload));
  return `${payload}.${base64Url(new Uint8Array(mac))}`;
}

/** Checks a session token's signature and expiry; a 401 HttpError says which is wrong. */
export async function verifySessionToken(
  secret: string,
  token: string,
  now: number,
): Promise<CreatorSession> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) throw invalid("the token is not a 402claw creator session");
  const [, address, expiry, mac] = match as unknown as [string, string, string, string];
  // subtle.verify compares in constant time, so a forger learns nothing from timing.
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    fromBase64Url(mac),
    encode(`${PURPOSE}${address}.${expiry}`),
  );
  if (!valid) throw invalid("the token's signature does not match (tampered, or signed by another gateway)");
  const expiresAt = Number(expiry);
  if (expiresAt <= now) {
    throw new HttpError(401, "session_expired", "the session has expired: sign in again", {
      expiredAt: new Date(expiresAt).toISOString(),
    });
  }
  return { address, expiresAt };
}

function invalid(problem: string): HttpError {
  return new HttpError(401, "invalid_session", `${problem}: sign in again to get a new token`);
}

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    if (keys.size > 8) keys.clear(); // secrets rotate rarely; never let the cache grow unbounded
    keys.set(secret, key);
  }
  return key;
}

function encode(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0)) as Uint8Array<ArrayBuffer>;
}
