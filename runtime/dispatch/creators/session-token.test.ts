import { describe, expect, it } from "vitest";
import { HttpError } from "../../shared/http-error.ts";
import { SESSION_TTL_MS, signSessionToken, verifySessionToken } from "./session-token.ts";

const SECRET = "a-test-secret-of-reasonable-length";
const ADDRESS = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const NOW = Date.UTC(2030, 0, 1, 12);

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return { status: error.status, code: error.code };
}

describe("creator session tokens", () => {
  it("round-trips the address and expiry until the token expires", async () => {
    const token = await signSessionToken(SECRET, ADDRESS, NOW + SESSION_TTL_MS);
    expect(token).toMatch(new RegExp(`^${ADDRESS}\\.${NOW + SESSION_TTL_MS}\\.[A-Za-z0-9_-]{43}$`));
    expect(await verifySessionToken(SECRET, token, NOW + SESSION_TTL_MS - 1)).toEqual({
      address: ADDRESS,
      expiresAt: NOW + SESSION_TTL_MS,
    });
    expect(await refusal(verifySessionToken(SECRET, token, NOW + SESSION_TTL_MS))).toEqual({
      status: 401,
      code: "session_expired",
    });
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signSessionToken("another-secret", ADDRESS, NOW + 1000);
    expect(await refusal(verifySessionToken(SECRET, token, NOW))).toEqual({
      status: 401,
      code: "invalid_session",
    });
  });

  it("refuses a token whose address or expiry was changed", async () => {
    const token = await signSessionToken(SECRET, ADDRESS, NOW + 1000);
    const [, expiry, mac] = token.split(".");
    const otherAddress = `0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65.${expiry}.${mac}`;
    const longer = `${ADDRESS}.${NOW + SESSION_TTL_MS * 24}.${mac}`;
    for (const forged of [otherAddress, longer]) {
      expect((await refusal(verifySessionToken(SECRET, forged, NOW))).code).toBe("invalid_session");
    }
  });

  it("refuses malformed tokens without throwing anything but a 401", async () => {
    for (const junk of [
      "",
      "Bearer x",
      `${ADDRESS}.123.abc`,
      "a.b.c",
      `${ADDRESS}.${NOW}.${"A".repeat(43)}`,
    ]) {
      expect(await refusal(verifySessionToken(SECRET, junk, NOW))).toEqual({
        status: 401,
        code: "invalid_session",
      });
    }
  });

  it("refuses to sign something that is not an address", async () => {
    await expect(signSessionToken(SECRET, "0x123", NOW)).rejects.toThrow(/not a wallet address/);
  });
});
