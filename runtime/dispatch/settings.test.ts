import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayUrl, startWorkerd } from "../../local/miniflare.ts";
import { bundlePlatformWorkers } from "../../local/platform-workers.ts";
import { HttpError } from "../shared/http-error.ts";
import { DEFAULT_CREATOR_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, dispatchSettings } from "./settings.ts";
import { testDispatchEnv } from "./test-env.ts";

function refusal(settings: Record<string, unknown>): HttpError {
  try {
    dispatchSettings(testDispatchEnv(settings));
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected the settings to be refused");
}

describe("the dispatch worker's settings", () => {
  it("applies the defaults and reads numbers as numbers", () => {
    const settings = dispatchSettings(testDispatchEnv({ CREATOR_TIMEOUT_MS: "2500", ENVIRONMENT: "" }));
    expect(settings).toMatchObject({
      environment: "unknown",
      publicOrigin: "https://market.example",
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      creatorTimeoutMs: 2500,
      maxTimeoutSeconds: 60,
      facilitatorTimeoutMs: 15_000,
    });
    expect(dispatchSettings(testDispatchEnv()).creatorTimeoutMs).toBe(DEFAULT_CREATOR_TIMEOUT_MS);
  });

  it("is parsed once per env and reused", () => {
    const env = testDispatchEnv();
    expect(dispatchSettings(env)).toBe(dispatchSettings(env));
  });

  it.each([
    ["MAX_BODY_BYTES", "abc", /MAX_BODY_BYTES is "abc": must be a whole number of bytes/],
    ["MAX_BODY_BYTES", "-1", /MAX_BODY_BYTES is "-1": must be at least 1 bytes/],
    ["MAX_BODY_BYTES", "1e12", /MAX_BODY_BYTES .*at most 33554432/],
    ["CREATOR_TIMEOUT_MS", "soon", /CREATOR_TIMEOUT_MS is "soon": must be a whole number of milliseconds/],
    ["CREATOR_TIMEOUT_MS", "1.5", /CREATOR_TIMEOUT_MS .*whole number/],
    ["PUBLIC_ORIGIN", undefined, /PUBLIC_ORIGIN is not set/],
    ["PUBLIC_ORIGIN", "market.example", /PUBLIC_ORIGIN is "market.example": must be an http\(s\) URL/],
    ["PUBLIC_ORIGIN", "https://market.example/api", /PUBLIC_ORIGIN .*must be an origin only/],
    ["X402_NETWORK", "base", /X402_NETWORK is "base": must be a CAIP-2 EVM network/],
    ["X402_ASSET", "0x12", /X402_ASSET .*address/],
    ["FACILITATOR_URL", "ftp://x", /FACILITATOR_URL .*http\(s\) URL/],
    ["X402_MAX_TIMEOUT_SECONDS", "5", /X402_MAX_TIMEOUT_SECONDS .*at least 10/],
    ["PLATFORM_FEE_BPS", "20000", /PLATFORM_FEE_BPS .*at most 10000/],
    ["DB", undefined, /DB is not set: the D1 database binding is missing/],
    ["LOCAL_NAMESPACE", undefined, /no dispatch namespace: bind DISPATCHER .* or LOCAL_NAMESPACE/],
  ])("refuses %s=%s with a 503 naming it and the fix", (name, value, message) => {
    const error = refusal({ [name]: value });
    expect(error.status).toBe(503);
    expect(error.code).toBe("gateway_misconfigured");
    expect(error.message).toMatch(message);
    expect(error.message).toContain("Fix:");
    expect(error.details.settings).toContain(name === "LOCAL_NAMESPACE" ? "DISPATCHER" : name);
  });

  it("reads the batch-settlement settings, never showing the receiver-authorizer key", () => {
    const key = `0x${"ab".repeat(32)}`;
    expect(dispatchSettings(testDispatchEnv({ RECEIVER_AUTHORIZER_KEY: key }))).toMatchObject({
      receiverAuthorizerKey: key,
      withdrawDelaySeconds: 86_400,
      settleIntervalSeconds: 3_600,
      minDepositCalls: 100,
    });
    expect(dispatchSettings(testDispatchEnv())).not.toHaveProperty("receiverAuthorizerKey");
    const error = refusal({ RECEIVER_AUTHORIZER_KEY: `${key}00` });
    expect(error.details.settings).toEqual(["RECEIVER_AUTHORIZER_KEY"]);
    expect(error.message).not.toContain(key);
  });

  it("refuses a settle interval that could let a withdrawal finish before its vouchers are claimed", () => {
    const error = refusal({ BATCH_WITHDRAW_DELAY_SECONDS: "900", BATCH_SETTLE_INTERVAL_SECONDS: "600" });
    expect(error.details.settings).toEqual(["BATCH_SETTLE_INTERVAL_SECONDS"]);
    expect(error.message).toContain("at most half of BATCH_WITHDRAW_DELAY_SECONDS");
  });

  it("accepts an idle-refund time down to 5 s (tests) and refuses less", () => {
    expect(dispatchSettings(testDispatchEnv({ BATCH_REFUND_IDLE_SECONDS: "5" })).refundIdleSeconds).toBe(5);
    expect(refusal({ BATCH_REFUND_IDLE_SECONDS: "4" }).details.settings).toEqual([
      "BATCH_REFUND_IDLE_SECONDS",
    ]);
  });

  it("names every bad setting at once and never shows a secret's value", () => {
    const error = refusal({ MAX_BODY_BYTES: "NaN", CREATOR_TIMEOUT_MS: "x", AUTH_SECRET: 42 });
    expect(error.details.settings).toEqual(
      expect.arrayContaining(["MAX_BODY_BYTES", "CREATOR_TIMEOUT_MS", "AUTH_SECRET"]),
    );
    expect(error.message).toContain("AUTH_SECRET is invalid");
    expect(error.message).not.toContain("42");
  });
});

// The same refusal from the real dispatch worker in workerd: every route fails closed.
describe("a gateway started with a bad setting", () => {
  let mf: Miniflare;
  let url: string;
  beforeAll(async () => {
    mf = await startWorkerd({
      bundles: await bundlePlatformWorkers(),
      port: 0,
      dispatchVars: {
        PUBLIC_ORIGIN: "http://127.0.0.1:1",
        X402_NETWORK: "eip155:31337",
        X402_ASSET: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        X402_ASSET_NAME: "USD Coin",
        X402_ASSET_VERSION: "2",
        FACILITATOR_URL: "http://127.0.0.1:1",
        // Before: Number("1MB") is NaN, and `size > NaN` is never true — the body limit was off.
        MAX_BODY_BYTES: "1MB",
      },
      // Nothing reaches a creator here: the namespace address is never dialled.
      namespaceAddress: "127.0.0.1:1",
    });
    url = await gatewayUrl(mf);
  }, 120_000);
  afterAll(async () => {
    await mf?.dispose();
  });

  it.each([
    ["GET", "/health"],
    ["GET", "/"],
    ["POST", "/some-api"],
    ["POST", "/creators/challenge"],
  ])("answers %s %s with a 503 naming MAX_BODY_BYTES", async (method, path) => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(method === "POST" ? { body: "x".repeat(4096) } : {}),
    });
    expect(response.status).toBe(503);
    const { error } = (await response.json()) as {
      error: { code: string; message: string; settings: string[] };
    };
    expect(error.code).toBe("gateway_misconfigured");
    expect(error.settings).toEqual(["MAX_BODY_BYTES"]);
    expect(error.message).toContain('MAX_BODY_BYTES is "1MB"');
  });
});
