import { verifySessionToken } from "../creators/session-token.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { isAdmin } from "./admin-auth.ts";

/**
 * Whether the request comes from the platform: the admin token, or a wallet session (from the
 * same sign-in creators use) of the PLATFORM_WALLET. Sessions travel only in the Authorization
 * header, so another site can never make a browser send one (no CSRF on platform actions).
 */
export async function isPlatform(request: Request, env: DispatchEnv, now: number): Promise<boolean> {
  if (isAdmin(request, env)) return true;
  const { platformWallet, authSecret } = dispatchSettings(env);
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  if (!platformWallet || !authSecret || !match) return false;
  try {
    const session = await verifySessionToken(authSecret, match[1]!, now);
    return session.address.toLowerCase() === platformWallet.toLowerCase();
  } catch {
    return false;
  }
}
