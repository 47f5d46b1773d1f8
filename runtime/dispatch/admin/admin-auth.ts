import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";

/**
 * Platform-only endpoints need `Authorization: Bearer <ADMIN_TOKEN>`; without an ADMIN_TOKEN
 * setting they do not exist. The comparison takes the same time whatever the guess.
 */
export function isAdmin(request: Request, env: DispatchEnv): boolean {
  const expected = dispatchSettings(env).adminToken;
  if (!expected) return false;
  const given = (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
  const a = new TextEncoder().encode(given.padEnd(expected.length, "\0"));
  const b = new TextEncoder().encode(expected);
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
