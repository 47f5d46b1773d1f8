import { HttpError } from "../../shared/http-error.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { type CreatorSession, verifySessionToken } from "./session-token.ts";

/** AUTH_SECRET, or a 503 that names it: without it no session can be issued or checked. */
export function authSecret(env: DispatchEnv): string {
  const secret = dispatchSettings(env).authSecret;
  if (!secret) {
    throw new HttpError(
      503,
      "auth_not_configured",
      "gateway setting AUTH_SECRET is not set: creator sign-in is unavailable until the platform sets it",
    );
  }
  return secret;
}

/** The signed-in creator behind `Authorization: Bearer <session token>`, or a 401 saying how to sign in. */
export async function requireCreator(
  request: Request,
  env: DispatchEnv,
  now: number,
): Promise<CreatorSession> {
  const secret = authSecret(env);
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) {
    throw new HttpError(
      401,
      "sign_in_required",
      "send Authorization: Bearer <token>; get a token with POST /creators/challenge, then POST /creators/session",
    );
  }
  return verifySessionToken(secret, match[1]!, now);
}
