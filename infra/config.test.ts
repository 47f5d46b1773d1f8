import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.ts";
import { loadPlatformConfig } from "./config.ts";
import { readStackConfig } from "./plan/stack-config.ts";
import { REPO_ROOT } from "./testing/program-fixture.ts";

const dev = readStackConfig(REPO_ROOT, "dev").values;
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
      platformFeeBps: 500,
      protectData: false,
    });
    const prod = readStackConfig(REPO_ROOT, "prod").values;
    const config = loadPlatformConfig((key) => prod[`402claw:${key}`], "prod");
    expect(config).toMatchObject({
      network: "eip155:8453",
      assetName: "USD Coin",
      protectData: true,
      rateLimit: { mitigationTimeoutSeconds: 600 },
    });
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
      load({ "cloudflare:apiToken": "[secret]", "402claw:facilitatorAuth": "[secret]" }),
    ).not.toThrow();
  });
});
