import { describe, expect, it } from "vitest";
import { createDispatchApp } from "../app.ts";
import { testDispatchEnv } from "../test-env.ts";
import { signSessionToken } from "./session-token.ts";

// The refusals that happen before any database work; everything past them runs against real D1 and
// a real chain in e2e/creator-stats.test.ts. The bindings are empty on purpose: touching one would throw.
// Requests go through the whole app, so its onError turns the typed errors into responses.
const env = (settings: Record<string, string> = {}) => testDispatchEnv(settings);
const routes = () => ({
  request: (path: string, init: RequestInit, environment: ReturnType<typeof env>) =>
    createDispatchApp().request(`/creators${path}`, init, environment),
});
const post = (path: string, body: unknown, settings?: Record<string, string>) =>
  routes().request(
    path,
    { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } },
    env(settings),
  );
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; reason?: string } }).error;

describe("creator routes before sign-in", () => {
  it("answers 503 naming AUTH_SECRET when it is not set", async () => {
    for (const response of [
      await post("/challenge", { address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" }),
      await post("/session", { message: "m", signature: "0x00" }),
      await routes().request("/me/stats", { headers: { authorization: "Bearer x" } }, env()),
    ]) {
      expect(response.status).toBe(503);
      const error = await errorOf(response);
      expect(error.code).toBe("auth_not_configured");
      expect(error.message).toContain("AUTH_SECRET");
    }
  });

  it("refuses private endpoints without a valid session, saying how to get one", async () => {
    const settings = { AUTH_SECRET: "s3cret" };
    const none = await routes().request("/me/stats", {}, env(settings));
    expect(none.status).toBe(401);
    expect(none.headers.get("cache-control")).toBe("no-store");
    const missing = await errorOf(none);
    expect(missing.code).toBe("sign_in_required");
    expect(missing.message).toContain("POST /creators/challenge");

    const forged = await signSessionToken(
      "another-secret",
      "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
      Date.now() + 60_000,
    );
    const wrong = await routes().request(
      "/me/logs?slug=x",
      { headers: { authorization: `Bearer ${forged}` } },
      env(settings),
    );
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).code).toBe("invalid_session");
  });

  it("names what is wrong with a bad request body", async () => {
    const settings = { AUTH_SECRET: "s3cret", X402_NETWORK: "eip155:31337" };
    const response = await post("/challenge", { address: "0x123" }, settings);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain("must be a 0x wallet address");
    const notJson = await routes().request("/session", { method: "POST", body: "{" }, env(settings));
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).message).toBe("the body must be JSON");
  });

  it("answers 404 with the list of creator endpoints for anything else", async () => {
    const response = await routes().request("/me/secrets", {}, env({ AUTH_SECRET: "s" }));
    expect(response.status).toBe(404);
    expect((await errorOf(response)).message).toContain("GET /creators/me/stats");
  });
});
