// `402claw doctor`: what would make `pulumi up` fail, found before it runs. Offline checks read
// only the repository (stack file, manifests); online checks make read-only calls: Cloudflare's
// API through the official SDK, the facilitator's GET /supported and the RPC's eth_chainId.

import { loadStackApis } from "../../core/manifest/load.ts";
import { cloudflareContext, type RetryPolicy } from "../cloudflare/api.ts";
import { type CloudflareSdk, cloudflareSdk, cloudflareSdkUrl } from "../cloudflare/sdk.ts";
import { CONFIG_NAMESPACE, loadPlatformConfig, type PlatformConfig } from "../config.ts";
import { readStackConfig } from "../plan/stack-config.ts";
import { RULESET_NAMES } from "../platform/edge-rules.ts";
import { rateLimitPlanProblems, ZONE_PLANS, type ZonePlan } from "../platform/zone-plan-limits.ts";

// Read-only checks: one retry is enough to ride out a blip, and a person is waiting.
const DOCTOR_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 500, maxDelayMs: 2_000 };

/** One check's outcome; a failure always says how to fix it. */
export interface CheckResult {
  name: string;
  status: "ok" | "fail" | "skip";
  detail?: string;
  fix?: string;
}

export interface DoctorOptions {
  root: string;
  stack: string;
  /** Skip every network call (CI without credentials). */
  offline: boolean;
  /** Cloudflare API token (the CLI passes CLOUDFLARE_API_TOKEN). */
  token?: string;
  retry?: RetryPolicy;
}

/** Runs every check in order; online checks are skipped offline or when config is unusable. */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const config = offlineChecks(options, results);
  if (options.offline) {
    results.push({ name: "online checks", status: "skip", detail: "--offline" });
    return results;
  }
  if (!config) {
    results.push({ name: "online checks", status: "skip", detail: "fix the stack config first" });
    return results;
  }
  results.push(...(await cloudflareChecks(config, options)));
  results.push(await facilitatorCheck(config));
  results.push(await rpcCheck(config));
  return results;
}

function offlineChecks(options: DoctorOptions, results: CheckResult[]): PlatformConfig | undefined {
  let config: PlatformConfig | undefined;
  try {
    const { values } = readStackConfig(options.root, options.stack);
    config = loadPlatformConfig(
      (key) => values[`${CONFIG_NAMESPACE}:${key}`],
      options.stack,
      Object.keys(values),
    );
    results.push({
      name: "stack config",
      status: "ok",
      detail: `Pulumi.${options.stack}.yaml (zone plan ${config.zonePlan}, rate limit ${config.rateLimit.enabled ? `${config.rateLimit.periodSeconds}s/${config.rateLimit.scope}` : "off"})`,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const [detail, fix] = message.split(". Fix: ");
    results.push({ name: "stack config", status: "fail", detail: detail!, ...(fix ? { fix } : {}) });
  }
  const { apis, errors } = loadStackApis(options.root, options.stack);
  results.push(
    errors.length
      ? {
          name: "creator API manifests",
          status: "fail",
          detail: errors.map((error) => error.message).join("; "),
          fix: `run \`402claw validate --stack ${options.stack}\` and fix each file it names`,
        }
      : { name: "creator API manifests", status: "ok", detail: `${apis.length} API(s)` },
  );
  if (!options.offline && !options.token) {
    results.push({
      name: "Cloudflare API token",
      status: "fail",
      detail: "CLOUDFLARE_API_TOKEN is not set",
      fix: "export CLOUDFLARE_API_TOKEN=<token> (doctor cannot decrypt the stack secret cloudflare:apiToken)",
    });
    return undefined;
  }
  return config;
}

async function cloudflareChecks(config: PlatformConfig, options: DoctorOptions): Promise<CheckResult[]> {
  const sdk = await cloudflareSdk(
    cloudflareContext(options.token, options.retry ?? DOCTOR_RETRY),
    cloudflareSdkUrl(),
  );
  const results: CheckResult[] = [];
  const account = await attempt(sdk, `GET /accounts/${config.accountId}`, (c) =>
    c.accounts.get({ account_id: config.accountId }),
  );
  results.push(
    account.ok
      ? { name: "account", status: "ok", detail: `${account.value?.name ?? config.accountId}` }
      : {
          name: "account",
          status: "fail",
          detail: account.error,
          fix: "check 402claw:accountId and give the token access to that account",
        },
  );
  const namespaces = await attempt(
    sdk,
    `GET /accounts/${config.accountId}/workers/dispatch/namespaces`,
    (c) => c.workersForPlatforms.dispatch.namespaces.list({ account_id: config.accountId }),
  );
  results.push(
    namespaces.ok
      ? { name: "Workers for Platforms", status: "ok", detail: "dispatch namespaces are readable" }
      : {
          name: "Workers for Platforms",
          status: "fail",
          detail: namespaces.error,
          fix: "enable Workers for Platforms on the account (Workers paid plan + add-on) and give the token Workers Scripts: Edit",
        },
  );
  results.push(...(await zoneChecks(sdk, config)));
  return results;
}

async function zoneChecks(sdk: CloudflareSdk, config: PlatformConfig): Promise<CheckResult[]> {
  const zone = await attempt(sdk, `GET /zones/${config.zoneId}`, (c) =>
    c.zones.get({ zone_id: config.zoneId }),
  );
  if (!zone.ok || !zone.value) {
    return [
      {
        name: "zone",
        status: "fail",
        detail: zone.error ?? "no zone",
        fix: "check 402claw:zoneId and give the token Zone: Read, Zone WAF: Edit, Workers Routes: Edit, DNS: Edit on it",
      },
    ];
  }
  const results: CheckResult[] = [];
  const name = zone.value.name;
  const inZone = config.hostname === name || config.hostname.endsWith(`.${name}`);
  results.push(
    inZone
      ? { name: "zone", status: "ok", detail: `${name} holds ${config.hostname}` }
      : {
          name: "zone",
          status: "fail",
          detail: `${config.hostname} is not inside the zone ${name}`,
          fix: "set 402claw:hostname to a host of that zone, or 402claw:zoneId to the host's zone",
        },
  );
  const legacy = zone.value.plan?.legacy_id ?? "";
  const livePlan = (ZONE_PLANS as readonly string[]).includes(legacy) ? (legacy as ZonePlan) : undefined;
  if (!livePlan) {
    results.push({ name: "zone plan", status: "skip", detail: `plan "${legacy}" is not one doctor knows` });
  } else {
    const problems = rateLimitPlanProblems(livePlan, config.rateLimit);
    if (livePlan !== config.zonePlan) {
      results.push({
        name: "zone plan",
        status: "fail",
        detail: `the zone is on ${livePlan}, 402claw:zonePlan says ${config.zonePlan}`,
        fix: `set 402claw:zonePlan: ${livePlan}${problems.length ? ` and ${problems.map((p) => `rateLimit.${p.field}: ${p.fix}`).join("; ")}` : ""}`,
      });
    } else
      results.push({
        name: "zone plan",
        status: "ok",
        detail: `${livePlan}: the rate limit rule is allowed`,
      });
  }
  results.push(await rulesetCheck(sdk, config));
  return results;
}

// One entry-point ruleset per phase per zone: another's makes our create fail (20217), and
// adopting it hands its rules to this program. Ours carry the names in RULESET_NAMES.
async function rulesetCheck(sdk: CloudflareSdk, config: PlatformConfig): Promise<CheckResult> {
  const listed = await attempt(sdk, `GET /zones/${config.zoneId}/rulesets`, async (c) =>
    (await c.rulesets.list({ zone_id: config.zoneId })).getPaginatedItems(),
  );
  if (!listed.ok) {
    return {
      name: "entry-point rulesets",
      status: "fail",
      detail: listed.error,
      fix: "give the token Zone WAF: Edit on the zone",
    };
  }
  const wanted: Array<keyof typeof RULESET_NAMES> = [];
  if (config.rateLimit.enabled) wanted.push("http_ratelimit");
  if (config.waf.enabled) wanted.push("http_request_firewall_custom");
  const conflicts = (listed.value ?? []).filter(
    (ruleset) =>
      ruleset.kind === "zone" &&
      wanted.includes(ruleset.phase as keyof typeof RULESET_NAMES) &&
      ruleset.name !== RULESET_NAMES[ruleset.phase as keyof typeof RULESET_NAMES],
  );
  if (!conflicts.length)
    return { name: "entry-point rulesets", status: "ok", detail: "no conflicting ruleset" };
  return {
    name: "entry-point rulesets",
    status: "fail",
    detail: conflicts
      .map((r) => `the zone already has a ${r.phase} entry-point ruleset ${r.id} ("${r.name}")`)
      .join("; "),
    fix: `a zone has one entry-point ruleset per phase (creating another fails with 20217). Either adopt it (pulumi import, see docs/deploy-to-cloudflare.md "A zone that already has rules"; 402claw then owns all of that phase's rules) or turn ours off (${conflicts.map((r) => (r.phase === "http_ratelimit" ? "402claw:rateLimit.enabled" : "402claw:waf.enabled")).join(", ")}: false) and add the 402claw rules to your ruleset by hand`,
  };
}

async function facilitatorCheck(config: PlatformConfig): Promise<CheckResult> {
  const url = `${config.facilitatorUrl.replace(/\/+$/, "")}/supported`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    const body = (await response.json()) as { kinds?: Array<{ scheme?: string; network?: string }> };
    const schemes = (body.kinds ?? [])
      .filter((kind) => kind.network === config.network)
      .map((kind) => kind.scheme);
    if (schemes.includes("exact")) {
      return { name: "facilitator", status: "ok", detail: `${config.network}: ${schemes.join(", ")}` };
    }
    return {
      name: "facilitator",
      status: "fail",
      detail: `GET ${url} does not list scheme exact on ${config.network}`,
      fix: "point 402claw:facilitatorUrl at a facilitator that settles this network",
    };
  } catch (error) {
    return {
      name: "facilitator",
      status: "fail",
      detail: error instanceof Error ? error.message : String(error),
      fix: "check 402claw:facilitatorUrl (it must answer GET /supported)",
    };
  }
}

async function rpcCheck(config: PlatformConfig): Promise<CheckResult> {
  const expected = Number(config.network.split(":")[1]);
  try {
    const response = await fetch(config.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: string };
    const chainId = body.result ? Number.parseInt(body.result, 16) : Number.NaN;
    if (chainId === expected) return { name: "RPC", status: "ok", detail: `chain ${chainId}` };
    return {
      name: "RPC",
      status: "fail",
      detail: `402claw:rpcUrl serves chain ${Number.isNaN(chainId) ? "?" : chainId}, the stack's network is ${config.network}`,
      fix: "set 402claw:rpcUrl to an endpoint of the stack's network",
    };
  } catch (error) {
    return {
      name: "RPC",
      status: "fail",
      detail: error instanceof Error ? error.message : String(error),
      fix: "check 402claw:rpcUrl (JSON-RPC over https)",
    };
  }
}

async function attempt<T>(
  sdk: CloudflareSdk,
  label: string,
  run: (client: CloudflareSdk["client"]) => Promise<T>,
): Promise<{ ok: boolean; value?: T; error?: string }> {
  try {
    return { ok: true, value: (await sdk.call(label, run)).result };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
