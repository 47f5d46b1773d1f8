import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config.ts";

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
      new cloudflare.Ruleset(
        `${name}-ratelimit`,
        {
          zoneId: args.zoneId,
          kind: "zone",
          phase: "http_ratelimit",
          name: "402claw gateway rate limit",
          rules: [
            {
              action: "block",
              description: `more than ${args.rateLimit.requestsPerPeriod} requests per ${args.rateLimit.periodSeconds}s from one IP`,
              enabled: true,
              expression: `(${host})`,
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
          name: "402claw gateway firewall",
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
  const rules: Array<{ action: string; description: string; enabled: boolean; expression: string }> = [];
  const methods = waf.allowedMethods.map((method) => `"${method}"`).join(" ");
  rules.push({
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
      action: "block",
      description: "probe paths (scanners)",
      enabled: true,
      expression: `(${host} and (${paths}))`,
    });
  }
  if (waf.maxBodyBytes > 0) {
    rules.push({
      action: "block",
      description: `bodies over ${waf.maxBodyBytes} bytes`,
      enabled: true,
      expression: `(${host} and http.request.body.size gt ${waf.maxBodyBytes})`,
    });
  }
  return rules;
}
