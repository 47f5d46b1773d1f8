import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.ts";
import { checkAdminToken, loadPlatformConfig } from "./config.ts";
import { readStackConfig } from "./plan/stack-config.ts";
import { FILLED_IN, REPO_ROOT } from "./testing/program-fixture.ts";

// The shipped dev file as a team fills it in (it ships the template's placeholders).
const dev: Record<string, string> = { ...readStackConfig(REPO_ROOT, "dev").values, ...FILLED_IN };
const load = (overrides: Record<string, string | undefined>, stack = "dev") => {
  const values = { ...dev, ...overrides };
  return loadPlatformConfig(
    (key) => values[`402claw:${key}`],
    stack,
    Object.keys(values).filter((k) => values[k] !== undefined),
  );
};

describe("stack config", () => {
  it("the shipped dev and prod files are valid", () => {
    expect(load({})).toMatchObject({
      network: "eip155:84532",
      resourcePrefix: "402claw-dev",
      rpcUrl: "https://sepolia.base.org",
      platformFeeBps: 500,
      platformFeeBpsMin: 100,
      platformFeeBpsMax: 2000,
      maxTimeoutSeconds: 60,
      reconcileCron: "*/5 * * * *",
      protectData: false,
    });
    const prod = readStackConfig(REPO_ROOT, "prod").values;
    // as shipped, only the offline plan accepts it (placeholders); see the placeholder test below
    const config = loadPlatformConfig((key) => prod[`402claw:${key}`], "prod", [], {
      allowPlaceholders: true,
    });
    expect(config).toMatchObject({
      network: "eip155:8453",
      assetName: "USD Coin",
      rpcUrl: "https://mainnet.base.org",
      protectData: true,
      zonePlan: "pro",
      rateLimit: { mitigationTimeoutSeconds: 600, periodSeconds: 60, scope: "host" },
      // bounds unset in prod: both equal the stack fee, so no API may deviate
      platformFeeBpsMin: 500,
      platformFeeBpsMax: 500,
    });
  });

  it("defaults the timeout and cron, and the fee bounds to the stack fee", () => {
    expect(
      load({
        "402claw:maxTimeoutSeconds": undefined,
        "402claw:reconcileCron": undefined,
        "402claw:platformFeeBpsMin": undefined,
        "402claw:platformFeeBpsMax": undefined,
        "402claw:platformFeeBps": "750",
      }),
    ).toMatchObject({
      maxTimeoutSeconds: 60,
      reconcileCron: "*/5 * * * *",
      platformFeeBps: 750,
      platformFeeBpsMin: 750,
      platformFeeBpsMax: 750,
    });
  });

  it("accepts http:// only for a loopback RPC (a team's own node or an anvil fork)", () => {
    expect(load({ "402claw:rpcUrl": "http://127.0.0.1:8545" }).rpcUrl).toBe("http://127.0.0.1:8545");
    expect(() => load({ "402claw:rpcUrl": "http://rpc.example.com" })).toThrow(
      /config 402claw:rpcUrl: must be an https:\/\/ URL/,
    );
  });

  it("requires platformFeeBpsMin <= platformFeeBps <= platformFeeBpsMax", () => {
    expect(() => load({ "402claw:platformFeeBpsMin": "600" })).toThrow(
      /config 402claw:platformFeeBpsMin: 600 is above the stack fee 402claw:platformFeeBps \(500\)/,
    );
    expect(() => load({ "402claw:platformFeeBpsMax": "400" })).toThrow(
      /config 402claw:platformFeeBpsMax: 400 is below the stack fee 402claw:platformFeeBps \(500\)/,
    );
  });

  it("accepts an admin token of 32+ characters and refuses a short one, naming where it came from", () => {
    expect(() => checkAdminToken(undefined, "402claw:adminToken")).not.toThrow();
    expect(() => checkAdminToken("a".repeat(64), "402claw:adminToken")).not.toThrow();
    expect(() => checkAdminToken("hunter2", "ADMIN_TOKEN")).toThrow(
      /config ADMIN_TOKEN: must be at least 32 characters.*openssl rand -hex 32/,
    );
  });

  it.each([
    ["accountId", undefined, /config 402claw:accountId: is required\. Fix: copy the account id/],
    ["accountId", "ABC", /config 402claw:accountId: must be a 32-character lowercase hex id/],
    ["network", "base", /config 402claw:network: must be a CAIP-2 EVM network.*Fix: use eip155:84532/],
    [
      "asset",
      "0x036cbd53842c5426634e7929541ec2318f3dcf7e",
      /config 402claw:asset: must be an EIP-55 checksummed/,
    ],
    [
      "facilitatorUrl",
      "http://x402.org/facilitator",
      /config 402claw:facilitatorUrl: must be an https:\/\/ URL/,
    ],
    ["platformFeeBps", "12000", /config 402claw:platformFeeBps: .*Fix: use whole basis points/],
    // 0 and 10000 are not splits: one side would get nothing
    ["platformFeeBps", "0", /config 402claw:platformFeeBps: .*creator and platform both need a share/],
    ["platformFeeBpsMax", "10000", /config 402claw:platformFeeBpsMax: .*Fix: use whole basis points/],
    ["rpcUrl", undefined, /config 402claw:rpcUrl: is required\. Fix: .*your own provider/],
    ["rpcUrl", "sepolia.base.org", /config 402claw:rpcUrl: must be/],
    ["maxTimeoutSeconds", "5", /config 402claw:maxTimeoutSeconds: .*Fix: use whole seconds from 10 to 3600/],
    ["reconcileCron", "every 5 minutes", /config 402claw:reconcileCron: must be a five-field cron/],
    ["hostname", "API.example.com", /config 402claw:hostname: must be a lowercase DNS hostname/],
    ["rateLimit", '{"requestsPerPeriod":10,"periodSeconds":7}', /config 402claw:rateLimit.periodSeconds:/],
    ["rateLimit", "not json {", /config 402claw:rateLimit: is not a YAML mapping/],
    [
      "egressRateLimit",
      '{"namespaceId":"x","limit":1,"periodSeconds":60}',
      /config 402claw:egressRateLimit.namespaceId: must be a positive integer/,
    ],
    [
      "waf",
      '{"allowedMethods":["GET"],"blockedPathPatterns":["/\\"x"]}',
      /config 402claw:waf.blockedPathPatterns.0: must not contain quotes/,
    ],
  ])("%s = %s is refused, naming the key", (key, value, message) => {
    expect(() => load({ [`402claw:${key}`]: value })).toThrow(message);
    expect(() => load({ [`402claw:${key}`]: value })).toThrow(ConfigError);
  });

  it("refuses unknown 402claw keys (typos) but ignores other namespaces", () => {
    expect(() => load({ "402claw:hostnmae": "x" })).toThrow(
      /config 402claw:hostnmae: is not a 402claw setting/,
    );
    expect(() =>
      load({
        "cloudflare:apiToken": "[secret]",
        "402claw:facilitatorAuth": "[secret]",
        "402claw:adminToken": "[secret]",
      }),
    ).not.toThrow();
  });

  it("refuses the template's placeholders unless asked to (the offline plan), naming the key", () => {
    const shipped = readStackConfig(REPO_ROOT, "dev").values;
    const get = (values: Record<string, string>) => (key: string) => values[`402claw:${key}`];
    expect(() => loadPlatformConfig(get(shipped), "dev")).toThrow(
      /config 402claw:accountId: is still the template's placeholder \(all zeros\)/,
    );
    expect(() =>
      loadPlatformConfig(get({ ...shipped, "402claw:accountId": FILLED_IN["402claw:accountId"] }), "dev"),
    ).toThrow(/config 402claw:zoneId: is still the template's placeholder/);
    expect(() => loadPlatformConfig(get(shipped), "dev", [], { allowPlaceholders: true })).not.toThrow();
  });

  it("refuses anvil's well-known accounts as the platform wallet except on the local chain", () => {
    const anvil0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    expect(() => load({ "402claw:platformWallet": anvil0 })).toThrow(
      /config 402claw:platformWallet: .* anvil's well-known development account #0.*on eip155:84532/,
    );
    expect(load({ "402claw:platformWallet": anvil0, "402claw:network": "eip155:31337" }).platformWallet).toBe(
      anvil0,
    );
  });

  it.each([
    ["free", { periodSeconds: 10, mitigationTimeoutSeconds: 10, scope: "zone" }, null],
    [
      "free",
      { periodSeconds: 60, mitigationTimeoutSeconds: 10, scope: "zone" },
      /periodSeconds: 60 is not .* free zone allows \(10\)/,
    ],
    [
      "free",
      { periodSeconds: 10, mitigationTimeoutSeconds: 60, scope: "zone" },
      /mitigationTimeoutSeconds: 60 is not .* free zone/,
    ],
    [
      "free",
      { periodSeconds: 10, mitigationTimeoutSeconds: 10, scope: "host" },
      /rateLimit.scope: a free zone's rate limiting rules cannot match on the host.*Fix: set scope: zone/,
    ],
    ["pro", { periodSeconds: 60, mitigationTimeoutSeconds: 3600, scope: "host" }, null],
    [
      "pro",
      { periodSeconds: 600, mitigationTimeoutSeconds: 60, scope: "host" },
      /periodSeconds: 600 is not .* pro zone allows \(10, 60\)/,
    ],
    [
      "pro",
      { periodSeconds: 60, mitigationTimeoutSeconds: 86400, scope: "host" },
      /mitigationTimeoutSeconds: 86400/,
    ],
    ["business", { periodSeconds: 600, mitigationTimeoutSeconds: 86400, scope: "host" }, null],
    [
      "business",
      { periodSeconds: 3600, mitigationTimeoutSeconds: 60, scope: "host" },
      /periodSeconds: 3600 is not .* business/,
    ],
    ["enterprise", { periodSeconds: 3600, mitigationTimeoutSeconds: 86400, scope: "host" }, null],
    [
      "pro",
      { periodSeconds: 60, mitigationTimeoutSeconds: 45, scope: "host" },
      /mitigationTimeoutSeconds: 45 is not/,
    ],
  ])("zonePlan %s with rate limit %j: %s", (zonePlan, rate, refusal) => {
    const rateLimit = JSON.stringify({ enabled: true, requestsPerPeriod: 100, ...rate });
    const run = () => load({ "402claw:zonePlan": zonePlan, "402claw:rateLimit": rateLimit });
    if (refusal) expect(run).toThrow(refusal);
    else expect(run().rateLimit).toMatchObject(rate);
  });

  it("requires the zone plan and accepts any rate limit once disabled", () => {
    expect(() => load({ "402claw:zonePlan": undefined })).toThrow(
      /config 402claw:zonePlan: is required\. Fix: set 402claw:zonePlan/,
    );
    expect(() => load({ "402claw:zonePlan": "gold" })).toThrow(
      /config 402claw:zonePlan: must be one of free, pro, business, enterprise/,
    );
    const disabled = JSON.stringify({
      enabled: false,
      requestsPerPeriod: 1,
      periodSeconds: 3600,
      mitigationTimeoutSeconds: 86400,
    });
    expect(load({ "402claw:rateLimit": disabled }).rateLimit.enabled).toBe(false);
  });
});
