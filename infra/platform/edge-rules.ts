import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config.ts";

/** Names of the zone entry-point rulesets this program owns (doctor tells them from others'). */
export const RULESET_NAMES = {
  http_ratelimit: "402claw gateway rate limit",
  http_request_firewall_custom: "402claw gateway firewall",
} as const;

/** `ref` of each rule this program writes, stable across updates (prefix "402claw-"). */
export const RULE_REFS = {
  rateLimit: "402claw-ratelimit",
  methods: "402claw-waf-methods",
  probes: "402claw-waf-probes",
  bodySize: "402claw-waf-body-size",
} as const;

export interface EdgeRulesArgs {
  zoneId: string;
  hostname: string;
  rateLimit: PlatformConfig["rateLimit"];
  waf: PlatformConfig["waf"];
}

/** Zone rulesets in front of the gateway: per-IP rate limiting and custom WAF rules, from config. */
export class EdgeRules extends pulumi.ComponentResource {
  constructor(name: string, args: EdgeRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:EdgeRules", name, {}, opts);
    const host = `http.host eq "${args.hostname}"`;
    if (args.rateLimit.enabled) {
      // Free zones may match only on the path in rate limiting rules (config.ts refuses scope
      // host there): every path starts with "/", so the rule counts every request of the zone.
      const expression =
        args.rateLimit.scope === "host" ? `(${host})` : `(http.request.uri.path contains "/")`;
      new cloudflare.Ruleset(
        `${name}-ratelimit`,
        {
          zoneId: args.zoneId,
          kind: "zone",
          phase: "http_ratelimit",
          name: RULESET_NAMES.http_ratelimit,
          rules: [
            {
              action: "block",
              ref: RULE_REFS.rateLimit,
              description: `more than ${args.rateLimit.requestsPerPeriod} requests per ${args.rateLimit.periodSeconds}s from one IP`,
              enabled: true,
              expression,
              ratelimit: {
                characteristics: ["cf.colo.id", "ip.src"],
                period: args.rateLimit.periodSeconds,
                requestsPerPeriod: args.rateLimit.requestsPerPeriod,
                mitigationTimeout: args.rateLimit.mitigationTimeoutSeconds,
              },
            },
          ],
        },
        { parent: this },
      );
    }
    const rules = wafRules(host, args.waf);
    if (args.waf.enabled && rules.length) {
      new cloudflare.Ruleset(
        `${name}-waf`,
        {
          zoneId: args.zoneId,
          kind: "zone",
          phase: "http_request_firewall_custom",
          name: RULESET_NAMES.http_request_firewall_custom,
          rules,
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}

/** The custom firewall rules a WAF config asks for (each a block rule scoped to the gateway host). */
export function wafRules(host: string, waf: PlatformConfig["waf"]) {
  const rules: Array<{
    ref: string;
    action: string;
    description: string;
    enabled: boolean;
    expression: string;
  }> = [];
  const methods = waf.allowedMethods.map((method) => `"${method}"`).join(" ");
  rules.push({
    ref: RULE_REFS.methods,
    action: "block",
    description: "methods the gateway does not serve",
    enabled: true,
    expression: `(${host} and not http.request.method in {${methods}})`,
  });
  if (waf.blockedPathPatterns.length) {
    const paths = waf.blockedPathPatterns
      .map((pattern) => `http.request.uri.path contains "${pattern}"`)
      .join(" or ");
    rules.push({
      ref: RULE_REFS.probes,
      action: "block",
      description: "probe paths (scanners)",
      enabled: true,
      expression: `(${host} and (${paths}))`,
    });
  }
  if (waf.maxBodyBytes > 0) {
    rules.push({
      ref: RULE_REFS.bodySize,
      action: "block",
      description: `bodies over ${waf.maxBodyBytes} bytes`,
      enabled: true,
      expression: `(${host} and http.request.body.size gt ${waf.maxBodyBytes})`,
    });
  }
  return rules;
}
