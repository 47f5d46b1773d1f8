import { creatorMaySet } from "../../runtime/dispatch/creator-response.ts";
import type { HostileCase } from "../fixtures/apis/hostile/cases.ts";

/** Headers the platform itself sets on creator responses, and the only values they may have. */
export const PLATFORM_GUARDS: Readonly<Record<string, string>> = {
  "content-security-policy": "sandbox",
  "x-content-type-options": "nosniff",
};

/** Headers the transport or the platform's own gate adds (never the creator's values). */
const TRANSPORT = new Set(["connection", "keep-alive", "transfer-encoding", "date", "content-length"]);

/**
 * Every way a response for a hostile case lets the creator act as the origin: a creator-set
 * header that is not allowed and still carries the creator's value, a header nobody allowed, a
 * missing or altered guard, or a Location outside the API. Empty = nothing leaked.
 */
export function originLeaks(
  hostile: HostileCase,
  response: Response,
  platformOwned: Readonly<Record<string, string | RegExp>> = {},
): string[] {
  const leaks: string[] = [];
  const owned: Record<string, string | RegExp> = { ...PLATFORM_GUARDS, ...platformOwned };
  for (const [rawName, value] of hostile.headers) {
    const name = rawName.toLowerCase();
    if (creatorMaySet(name) || name === "location" || name === "content-location") continue;
    const seen = name.startsWith("set-cookie")
      ? response.headers.getSetCookie()
      : [response.headers.get(name) ?? ""];
    if (name.startsWith("set-cookie") && seen.length > 0) leaks.push(`${rawName}: ${seen.join(" | ")}`);
    else if (seen.some((output) => output !== "" && output.includes(value)))
      leaks.push(`${rawName}: ${value}`);
  }
  for (const [name, value] of response.headers) {
    const expected = owned[name];
    if (expected !== undefined) {
      const ok = typeof expected === "string" ? value === expected : expected.test(value);
      if (!ok) leaks.push(`${name} is ${JSON.stringify(value)}, not the platform's ${String(expected)}`);
    } else if (
      !creatorMaySet(name) &&
      !TRANSPORT.has(name) &&
      name !== "location" &&
      name !== "content-location"
    ) {
      leaks.push(`unexpected header ${name}: ${value}`);
    }
  }
  for (const name of Object.keys(PLATFORM_GUARDS)) {
    if (!response.headers.has(name)) leaks.push(`missing ${name}`);
  }
  const location = response.headers.get("location");
  if ("location" in hostile && location !== hostile.location) {
    leaks.push(`location is ${JSON.stringify(location)}, expected ${JSON.stringify(hostile.location)}`);
  }
  for (const name of ["location", "content-location"]) {
    const value = response.headers.get(name);
    if (value !== null && !value.startsWith("/hostile/") && value !== "/hostile") {
      leaks.push(`${name} points outside the API: ${value}`);
    }
  }
  if (!response.headers.get("content-type") && response.body !== null)
    leaks.push("no content-type (sniffable)");
  return leaks;
}
