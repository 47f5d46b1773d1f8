import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FILLED_IN, REPO_ROOT, scratchRoot } from "../testing/program-fixture.ts";
import { on, recordingFetch, TEST_BASE_URL } from "../testing/recording-fetch.ts";
import { type CheckResult, runDoctor } from "./checks.ts";

const ACCOUNT = FILLED_IN["402claw:accountId"];
const ZONE = FILLED_IN["402claw:zoneId"];
const NO_RETRY = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

/** A scratch repository whose dev stack is filled in as a team would (the shipped one has placeholders). */
function filledInRoot(): string {
  const root = scratchRoot();
  const file = join(root, "Pulumi.dev.yaml");
  let yaml = readFileSync(file, "utf8");
  for (const [key, value] of Object.entries(FILLED_IN)) {
    yaml = yaml.replace(new RegExp(`${key}: .*`), `${key}: "${value}"`);
  }
  writeFileSync(file, yaml);
  return root;
}
const byName = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.name, r]));

// What a ready account answers (Base Sepolia dev stack on a Free zone, our own rulesets only).
const healthy = () => [
  on("GET", `/accounts/${ACCOUNT}`, { result: { id: ACCOUNT, name: "Team" } }),
  on("GET", `/accounts/${ACCOUNT}/workers/dispatch/namespaces`, { result: [] }),
  on("GET", `/zones/${ZONE}`, { result: { id: ZONE, name: "example.com", plan: { legacy_id: "free" } } }),
  on("GET", `/zones/${ZONE}/rulesets`, {
    result: [
      { id: "r1", kind: "zone", phase: "http_ratelimit", name: "402claw gateway rate limit" },
      { id: "r2", kind: "managed", phase: "http_request_firewall_managed", name: "Cloudflare Managed" },
    ],
  }),
  on("GET", "https://x402.org/facilitator/supported", {
    raw: JSON.stringify({ kinds: [{ x402Version: 2, scheme: "exact", network: "eip155:84532" }] }),
  }),
  on("POST", "https://sepolia.base.org", {
    raw: JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x14a34" }),
  }),
];

beforeEach(() => vi.stubEnv("CLOUDFLARE_API_BASE_URL", TEST_BASE_URL));
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("402claw doctor, offline (no network)", () => {
  it("the shipped template fails on its placeholders, naming the key and the fix", async () => {
    const results = await runDoctor({ root: REPO_ROOT, stack: "prod", offline: true });
    expect(byName(results)["stack config"]).toMatchObject({
      status: "fail",
      detail: "config 402claw:accountId: is still the template's placeholder (all zeros)",
      fix: expect.stringMatching(/copy the account id/),
    });
    expect(byName(results)["online checks"]).toMatchObject({ status: "skip" });
  });

  it("a filled-in stack passes; a rate limit its zone plan refuses fails with the allowed values", async () => {
    const root = filledInRoot();
    const fine = await runDoctor({ root, stack: "dev", offline: true });
    expect(fine.filter((r) => r.status === "fail")).toEqual([]);
    const folders = readdirSync(join(root, "stacks/dev/apis"), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    expect(byName(fine)["creator API manifests"]).toMatchObject({
      status: "ok",
      detail: `${folders.length} API(s)`,
    });
    const file = join(root, "Pulumi.dev.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "periodSeconds: 10\n    mitigation",
        "periodSeconds: 60\n    mitigation",
      ),
    );
    expect(byName(await runDoctor({ root, stack: "dev", offline: true }))["stack config"]).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        /rateLimit.periodSeconds: 60 is not a counting period a free zone allows \(10\)/,
      ),
    });
  });
});

describe("402claw doctor, online (read-only calls, answered by a recording fetch)", () => {
  const online = (root: string) =>
    runDoctor({ root, stack: "dev", offline: false, token: "tok", retry: NO_RETRY });

  it("a ready account passes every check with read-only requests only", async () => {
    const recorder = recordingFetch(healthy());
    vi.stubGlobal("fetch", recorder.fetch);
    const results = await online(filledInRoot());
    expect(results.filter((r) => r.status !== "ok")).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      "stack config",
      "creator API manifests",
      "account",
      "Workers for Platforms",
      "zone",
      "zone plan",
      "entry-point rulesets",
      "facilitator",
      "RPC",
    ]);
    // Only reads: GETs, plus the RPC's eth_chainId.
    expect(recorder.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /accounts/${ACCOUNT}`,
      `GET /accounts/${ACCOUNT}/workers/dispatch/namespaces`,
      `GET /zones/${ZONE}`,
      `GET /zones/${ZONE}/rulesets`,
      "GET https://x402.org/facilitator/supported",
      "POST https://sepolia.base.org",
    ]);
    expect(recorder.requests[0]!.headers.authorization).toBe("Bearer tok");
  });

  it("names each problem with its fix: plan, foreign ruleset, Workers for Platforms, facilitator, RPC", async () => {
    const recorder = recordingFetch([
      on("GET", `/accounts/${ACCOUNT}/workers/dispatch/namespaces`, {
        status: 403,
        errors: [{ code: 10000, message: "Authentication error" }],
      }),
      on("GET", `/zones/${ZONE}`, { result: { id: ZONE, name: "example.com", plan: { legacy_id: "pro" } } }),
      on("GET", `/zones/${ZONE}/rulesets`, {
        result: [{ id: "abc123", kind: "zone", phase: "http_request_firewall_custom", name: "default" }],
      }),
      on("GET", "https://x402.org/facilitator/supported", {
        raw: JSON.stringify({ kinds: [{ x402Version: 2, scheme: "exact", network: "eip155:8453" }] }),
      }),
      on("POST", "https://sepolia.base.org", {
        raw: JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x2105" }),
      }),
      ...healthy(),
    ]);
    vi.stubGlobal("fetch", recorder.fetch);
    const results = byName(await online(filledInRoot()));
    expect(results.account!.status).toBe("ok");
    expect(results["Workers for Platforms"]).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/failed with 403: \[10000\] Authentication error/),
      fix: expect.stringMatching(/enable Workers for Platforms/),
    });
    expect(results["zone plan"]).toMatchObject({
      status: "fail",
      detail: "the zone is on pro, 402claw:zonePlan says free",
      fix: expect.stringMatching(/^set 402claw:zonePlan: pro/),
    });
    expect(results["entry-point rulesets"]).toMatchObject({
      status: "fail",
      detail: 'the zone already has a http_request_firewall_custom entry-point ruleset abc123 ("default")',
      fix: expect.stringMatching(/fails with 20217.*adopt it \(pulumi import.*402claw:waf.enabled: false/),
    });
    expect(results.facilitator).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/does not list scheme exact on eip155:84532/),
    });
    expect(results.RPC).toMatchObject({
      status: "fail",
      detail: "402claw:rpcUrl serves chain 8453, the stack's network is eip155:84532",
    });
  });

  it("without a token the online checks do not run and the fix says what to export", async () => {
    const recorder = recordingFetch();
    vi.stubGlobal("fetch", recorder.fetch);
    const results = await runDoctor({ root: filledInRoot(), stack: "dev", offline: false });
    expect(byName(results)["Cloudflare API token"]).toMatchObject({
      status: "fail",
      fix: expect.stringMatching(/export CLOUDFLARE_API_TOKEN/),
    });
    expect(recorder.requests).toEqual([]);
  });
});
