import { execFile } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Address, keccak256, stringToBytes, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import { LOCAL_RECEIVER_AUTHORIZER } from "../chain/batch-settlement.ts";
import type { DeclaredResource } from "./plan/run-under-mocks.ts";
import { fakeSplitAddress } from "./testing/fake-split-predictor.ts";
import {
  FILLED_IN,
  REPO_ROOT,
  runStackIsolated as runStack,
  scratchRoot,
} from "./testing/program-fixture.ts";

// Each run is a child process under tsx: Pulumi serialises the dynamic providers while the
// program runs, which needs untransformed modules (see testing/run-stack-child.ts).

const CF = "cloudflare:index/";
const CREATOR_API = "pulumi-nodejs:dynamic/402claw:CreatorApi";
const only = (resources: DeclaredResource[], type: string) => resources.filter((r) => r.type === type);
const one = (resources: DeclaredResource[], type: string, name?: string) => {
  const found = only(resources, type).filter((r) => name === undefined || r.name === name);
  expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
  return found[0]!;
};
type Binding = { type: string; name: string } & Record<string, unknown>;
const SECRET_SIG = "4dabf18193072939515e22adb298388d"; // Pulumi's marker for a secret value
const bindingsOf = (script: DeclaredResource) => {
  const raw = script.inputs.bindings as Binding[] | { [SECRET_SIG]: string; value: Binding[] };
  return Array.isArray(raw) ? raw : raw.value;
};
const binding = (script: DeclaredResource, name: string) => bindingsOf(script).find((b) => b.name === name);
const DEV_PLATFORM = FILLED_IN["402claw:platformWallet"];
const ACCOUNT = FILLED_IN["402claw:accountId"];
const GATEWAY = "pulumi-nodejs:dynamic/402claw:GatewayScript";
/** The dev stack as a team fills it in (the shipped file keeps the template's placeholders). */
const runDev = (root: string, overrides: Record<string, string> = {}) =>
  runStack(root, "dev", { ...FILLED_IN, ...overrides });
const FX_OWNER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
/** The split terms the program must hand the predictor for an API (slug, creator, platform, fee). */
const splitOf = (apiSlug: string, creator: string, platformFeeBps: number, platform = DEV_PLATFORM) =>
  fakeSplitAddress({
    apiSlug,
    creator: creator as Address,
    platform: platform as Address,
    platformFeeBps,
  });
const withManifestLine = (root: string, slug: string, line: string) => {
  const manifest = join(root, `stacks/dev/apis/${slug}/api.yaml`);
  writeFileSync(manifest, `${readFileSync(manifest, "utf8").trimEnd()}\n${line}\n`);
};

describe("the Pulumi program under mocks: dev", async () => {
  const { resources, outputs } = await runDev(REPO_ROOT);
  const dispatch = one(resources, GATEWAY, "gateway-script");
  const outbound = one(resources, `${CF}workersScript:WorkersScript`, "outbound-script");

  it("declares every platform resource once", () => {
    expect(
      one(resources, `${CF}workersForPlatformsDispatchNamespace:WorkersForPlatformsDispatchNamespace`).inputs,
    ).toMatchObject({ name: "402claw-dev-apis", accountId: ACCOUNT });
    expect(one(resources, `${CF}d1Database:D1Database`).inputs).toMatchObject({ name: "402claw-dev-db" });
    expect(one(resources, `${CF}r2Bucket:R2Bucket`).inputs).toMatchObject({ name: "402claw-dev-data" });
    expect(one(resources, `${CF}workersKvNamespace:WorkersKvNamespace`).inputs).toMatchObject({
      title: "402claw-dev-cache",
    });
    expect(one(resources, `${CF}workersCustomDomain:WorkersCustomDomain`).inputs).toMatchObject({
      hostname: "api-dev.example.com",
      service: "402claw-dev-gateway",
    });
    expect(one(resources, "pulumi-nodejs:dynamic/402claw:D1Migrations").inputs).toMatchObject({
      databaseId: "storage-db-uuid",
      // every migration the runtime ships, in order (the list grows with the runtime)
      files: readdirSync(join(REPO_ROOT, "runtime/migrations"))
        .filter((f) => f.endsWith(".sql"))
        .sort(),
    });
    expect(only(resources, `${CF}workersRoute:WorkersRoute`)).toEqual([]);
  });

  it("builds the dispatch worker as a module worker with nodejs_compat and the ledger class migration", () => {
    expect(dispatch.inputs).toMatchObject({
      scriptName: "402claw-dev-gateway",
      mainModule: "worker.js",
      content: "// bundle of runtime/dispatch/worker.ts",
      compatibilityDate: "2026-07-01",
      // every migration; the GatewayScript provider sends only those the live script lacks
      migrations: [{ tag: "v1", newSqliteClasses: ["PayerLedger"] }],
    });
    expect(dispatch.inputs.compatibilityFlags).toContain("nodejs_compat");
  });

  it("wires the dispatch worker's bindings to the platform resources", () => {
    expect(binding(dispatch, "DISPATCHER")).toMatchObject({
      type: "dispatch_namespace",
      namespace: "402claw-dev-apis",
      // the API's (and wrangler's) shape; the outbound worker reads env.slug, env.owner, env.egress
      outbound: {
        worker: { service: "402claw-dev-outbound" },
        params: [{ name: "slug" }, { name: "owner" }, { name: "egress" }],
      },
    });
    expect(binding(dispatch, "DB")).toMatchObject({ type: "d1", database_id: "storage-db-uuid" });
    expect(binding(dispatch, "CACHE")).toMatchObject({
      type: "kv_namespace",
      namespace_id: "storage-cache-id",
    });
    expect(binding(dispatch, "DATA")).toMatchObject({ type: "r2_bucket", bucket_name: "402claw-dev-data" });
    expect(binding(dispatch, "PAYER_LEDGER")).toMatchObject({
      type: "durable_object_namespace",
      class_name: "PayerLedger",
    });
    const text = (name: string) => (binding(dispatch, name) as { text?: string } | undefined)?.text;
    expect([
      text("ENVIRONMENT"),
      text("X402_NETWORK"),
      text("X402_ASSET"),
      text("X402_ASSET_NAME"),
      text("X402_ASSET_VERSION"),
    ]).toEqual(["dev", "eip155:84532", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", "2"]);
    expect([text("FACILITATOR_URL"), text("PLATFORM_FEE_BPS"), text("MAX_BODY_BYTES")]).toEqual([
      "https://x402.org/facilitator",
      "500",
      "1048576",
    ]);
    expect(binding(dispatch, "FACILITATOR_AUTH")).toBeUndefined(); // not configured in dev
  });

  it("gives the gateway what issue 3's reconciliation and quotes need: RPC_URL and the quote timeout", () => {
    const text = (name: string) =>
      (binding(dispatch, name) as { type: string; text?: string } | undefined)?.text;
    expect(binding(dispatch, "RPC_URL")).toEqual({
      type: "plain_text",
      name: "RPC_URL",
      text: "https://sepolia.base.org",
    });
    expect(text("X402_MAX_TIMEOUT_SECONDS")).toBe("60");
    expect(binding(dispatch, "ADMIN_TOKEN")).toBeUndefined(); // no admin token in dev: no admin endpoints
    expect(Array.isArray(dispatch.inputs.bindings)).toBe(true); // nothing secret, so diffs stay readable
  });

  it("runs the gateway's scheduled reconciliation on the configured cron", () => {
    expect(one(resources, `${CF}workersCronTrigger:WorkersCronTrigger`, "gateway-reconcile").inputs).toEqual({
      accountId: ACCOUNT,
      scriptName: "402claw-dev-gateway",
      schedules: [{ cron: "*/5 * * * *" }],
    });
  });

  it("gives the outbound worker its per-creator egress rate limit binding", () => {
    expect(outbound.inputs).toMatchObject({
      scriptName: "402claw-dev-outbound",
      content: "// bundle of runtime/outbound/worker.ts",
    });
    expect(binding(outbound, "EGRESS_LIMITER")).toEqual({
      type: "ratelimit",
      name: "EGRESS_LIMITER",
      namespaceId: "4021",
      simple: { limit: 120, period: 60 },
    });
  });

  it("leaves the marketplace's name and contact unset when the stack does not set them (the gateway's defaults)", () => {
    expect(binding(dispatch, "MARKETPLACE_NAME")).toBeUndefined();
    expect(binding(dispatch, "CONTACT")).toBeUndefined();
  });

  it("binds the gateway's public origin (402 resource URLs and catalog links) from the hostname", () => {
    expect(binding(dispatch, "PUBLIC_ORIGIN")).toEqual({
      type: "plain_text",
      name: "PUBLIC_ORIGIN",
      text: "https://api-dev.example.com",
    });
  });

  it("puts rate limiting and WAF rulesets from config on the zone; a Free zone's rule matches the path", () => {
    const rulesets = only(resources, `${CF}ruleset:Ruleset`);
    const rate = rulesets.find((r) => r.inputs.phase === "http_ratelimit")!;
    expect(rate.inputs).toMatchObject({ kind: "zone", zoneId: FILLED_IN["402claw:zoneId"] });
    // dev ships zonePlan free: only Path may be matched, one 10 s period, one 10 s timeout
    expect((rate.inputs.rules as Array<Record<string, unknown>>)[0]).toMatchObject({
      ref: "402claw-ratelimit",
      action: "block",
      expression: '(http.request.uri.path contains "/")',
      ratelimit: {
        characteristics: ["cf.colo.id", "ip.src"],
        period: 10,
        requestsPerPeriod: 100,
        mitigationTimeout: 10,
      },
    });
    const waf = rulesets.find((r) => r.inputs.phase === "http_request_firewall_custom")!;
    const expressions = (waf.inputs.rules as Array<{ expression: string }>).map((r) => r.expression);
    expect(expressions[0]).toBe(
      '(http.host eq "api-dev.example.com" and not http.request.method in {"GET" "HEAD" "POST" "OPTIONS"})',
    );
    expect(expressions[1]).toContain('http.request.uri.path contains "/.env"');
  });

  it("declares one CreatorApi per API folder with price, payTo = its split, the split terms and wiring", () => {
    const apis = only(resources, CREATOR_API);
    expect(apis.map((a) => a.name).sort()).toEqual([
      "chemical-elements",
      "fx-convert",
      "text-stats",
      "world-cities",
    ]);
    const fx = apis.find((a) => a.name === "fx-convert")!;
    expect(fx.inputs).toMatchObject({
      slug: "fx-convert",
      apiDir: "stacks/dev/apis/fx-convert",
      price: "$0.002",
      priceAtomic: "2000",
      owner: FX_OWNER,
      // the (FAKE) predictor was asked about exactly these terms: creator = owner, stack fee
      payTo: splitOf("fx-convert", FX_OWNER, 500),
      splitter: "0xsplits-v2",
      platformWallet: DEV_PLATFORM,
      platformFeeBps: 500,
      creatorShareBps: 9500,
      namespace: "402claw-dev-apis",
      databaseId: "storage-db-uuid",
      bucketName: "402claw-dev-data",
      kvNamespaceId: "storage-cache-id",
    });
    expect(fx.inputs.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof fx.inputs.__provider).toBe("string"); // the serialised provider travels with it
    // each API has its own split: same wallets and fee, different slug and creator
    const payTos = apis.map((a) => a.inputs.payTo);
    expect(new Set(payTos).size).toBe(4);
    expect(payTos).not.toContain(FX_OWNER);
  });

  it("exports the documented stack outputs", () => {
    expect(outputs).toMatchObject({
      gatewayUrl: "https://api-dev.example.com",
      namespace: "402claw-dev-apis",
      databaseId: "storage-db-uuid",
      bucketName: "402claw-dev-data",
      kvNamespaceId: "storage-cache-id",
      apis: {
        "fx-convert": {
          kind: "function",
          price: "$0.002",
          payTo: splitOf("fx-convert", FX_OWNER, 500),
          platformFeeBps: 500,
        },
      },
    });
  });
});

describe("infra/index.ts, the entry Pulumi runs", () => {
  it("has only a default export and declares the platform and every dev API from the stack file", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "infra/testing/run-entry-child.ts")],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, NODE_NO_WARNINGS: "1" },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const result = JSON.parse(stdout) as {
      exports: string[];
      gatewayUrl: string;
      resources: Array<{ type: string; name: string }>;
    };
    expect(result.exports).toEqual(["default"]); // run.js refuses a default export mixed with named ones
    expect(result.gatewayUrl).toBe("https://api-dev.example.com");
    expect(
      result.resources
        .filter((r) => r.type === CREATOR_API)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["chemical-elements", "fx-convert", "text-stats", "world-cities"]);
    expect(result.resources.filter((r) => r.type === `${CF}workersScript:WorkersScript`)).toHaveLength(1);
    expect(result.resources.filter((r) => r.type === GATEWAY)).toHaveLength(1);
  });

  it("predicts each payTo with the 0xSplits factory through 402claw:rpcUrl (a FAKE RPC on 127.0.0.1)", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "infra/testing/run-entry-child.ts")],
      { cwd: REPO_ROOT, env: { ...process.env, NODE_NO_WARNINGS: "1" }, maxBuffer: 16 * 1024 * 1024 },
    );
    const { resources, factoryCalls } = JSON.parse(stdout) as {
      resources: Array<{ type: string; name: string; payTo?: string }>;
      factoryCalls: Array<{
        to: string;
        recipients: string[];
        allocations: string[];
        owner: string;
        salt: string;
      }>;
    };
    // One predictDeterministicAddress per API, to the v2.2 pull factory, for an immutable 95/5 split.
    expect(factoryCalls).toHaveLength(4);
    const fxCall = factoryCalls.find((c) => c.salt === keccak256(stringToBytes("402claw:fx-convert")))!;
    expect(fxCall).toMatchObject({
      to: "0x6B9118074aB15142d7524E8c4ea8f62A3Bdb98f1",
      recipients: [FX_OWNER, DEV_PLATFORM],
      allocations: ["950000", "50000"],
      owner: zeroAddress,
    });
    // payTo is exactly what the factory answered for that call.
    const fx = resources.find((r) => r.type === CREATOR_API && r.name === "fx-convert")!;
    expect(fx.payTo).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(new Set(resources.filter((r) => r.type === CREATOR_API).map((r) => r.payTo)).size).toBe(4);
  });
});

describe("the Pulumi program under mocks: prod", async () => {
  const root = scratchRoot();
  const ADMIN = "a".repeat(64);
  const RECEIVER_KEY = `0x${"c".repeat(64)}`;
  const AUTH = "b".repeat(64);
  const { resources } = await runStack(root, "prod", {
    ...FILLED_IN,
    "402claw:facilitatorAuth": "s3cret",
    "402claw:adminToken": ADMIN,
    "402claw:authSecret": AUTH,
    "402claw:marketplaceName": "Example API marketplace",
    "402claw:contact": "apis@example.com",
    "402claw:receiverAuthorizerKey": RECEIVER_KEY,
  });
  const dispatch = one(resources, GATEWAY, "gateway-script");

  it("binds the marketplace's name and contact for agents (OpenAPI info, llms.txt, MCP)", () => {
    expect(binding(dispatch, "MARKETPLACE_NAME")).toMatchObject({
      type: "plain_text",
      text: "Example API marketplace",
    });
    expect(binding(dispatch, "CONTACT")).toMatchObject({ type: "plain_text", text: "apis@example.com" });
  });

  it("uses Base mainnet USDC and prod names; no creator APIs yet", () => {
    const text = (name: string) => (binding(dispatch, name) as { text?: string }).text;
    expect([text("X402_NETWORK"), text("X402_ASSET"), text("X402_ASSET_NAME"), text("ENVIRONMENT")]).toEqual([
      "eip155:8453",
      "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
      "USD Coin",
      "prod",
    ]);
    expect(dispatch.inputs.scriptName).toBe("402claw-prod-gateway");
    expect(only(resources, CREATOR_API)).toEqual([]);
  });

  it("binds the facilitator credential as a secret_text only when it is set, keeping the bindings secret", () => {
    expect(binding(dispatch, "FACILITATOR_AUTH")).toEqual({
      type: "secret_text",
      name: "FACILITATOR_AUTH",
      text: "s3cret",
    });
    expect(Array.isArray(dispatch.inputs.bindings)).toBe(false); // wrapped as a Pulumi secret
  });

  it("binds the admin token as a secret_text, and Base's RPC for reconciliation", () => {
    expect(binding(dispatch, "ADMIN_TOKEN")).toEqual({
      type: "secret_text",
      name: "ADMIN_TOKEN",
      text: ADMIN,
    });
    expect(binding(dispatch, "RPC_URL")).toMatchObject({ text: "https://mainnet.base.org" });
  });

  it("scopes the paid zone's rate limit rule to the gateway host, with the plan's period and timeout", () => {
    const rate = only(resources, `${CF}ruleset:Ruleset`).find((r) => r.inputs.phase === "http_ratelimit")!;
    expect((rate.inputs.rules as Array<Record<string, unknown>>)[0]).toMatchObject({
      expression: '(http.host eq "api.example.com")',
      ratelimit: { period: 60, mitigationTimeout: 600 },
    });
  });

  it("binds the batch-settlement receiver-authorizer key as a secret_text", () => {
    expect(binding(dispatch, "RECEIVER_AUTHORIZER_KEY")).toEqual({
      type: "secret_text",
      name: "RECEIVER_AUTHORIZER_KEY",
      text: RECEIVER_KEY,
    });
  });

  it("binds the creator sign-in secret as a secret_text", () => {
    expect(binding(dispatch, "AUTH_SECRET")).toEqual({
      type: "secret_text",
      name: "AUTH_SECRET",
      text: AUTH,
    });
  });
});

describe("creator APIs arrive and leave as exactly one resource", () => {
  it("adding a folder adds exactly one CreatorApi; removing one removes exactly one", async () => {
    const root = scratchRoot();
    const names = async () => (await runDev(root)).resources.map((r) => `${r.type} ${r.name}`).sort();
    const before = await names();
    const folder = join(root, "stacks/dev/apis/fx-convert-eur");
    cpSync(join(root, "stacks/dev/apis/fx-convert"), folder, { recursive: true });
    const manifest = join(folder, "api.yaml");
    writeFileSync(
      manifest,
      readFileSync(manifest, "utf8").replace("slug: fx-convert", "slug: fx-convert-eur"),
    );
    const after = await names();
    expect(after.filter((n) => !before.includes(n))).toEqual([`${CREATOR_API} fx-convert-eur`]);
    expect(before.filter((n) => !after.includes(n))).toEqual([]);
    rmSync(join(root, "stacks/dev/apis/world-cities"), { recursive: true });
    const removed = await names();
    expect(after.filter((n) => !removed.includes(n))).toEqual([`${CREATOR_API} world-cities`]);
    expect(removed.filter((n) => !after.includes(n))).toEqual([]);
  });

  it("a dataset that does not build fails only its API, naming the API and the file; the others still deploy", async () => {
    const root = scratchRoot();
    const csv = join(root, "stacks/dev/apis/world-cities/cities.csv");
    writeFileSync(csv, `${readFileSync(csv, "utf8").trimEnd()}\nTokyo,Japan\n`); // a ragged row
    const { resources, outputs } = await runDev(root);
    const apis = only(resources, CREATOR_API);
    // still every resource: removing the broken one would delete its live version
    expect(apis.map((a) => a.name).sort()).toEqual([
      "chemical-elements",
      "fx-convert",
      "text-stats",
      "world-cities",
    ]);
    expect(apis.find((a) => a.name === "world-cities")!.inputs.contentHash).toBe("unbuilt");
    expect(apis.find((a) => a.name === "fx-convert")!.inputs.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((outputs.failedApis as Record<string, string>)["world-cities"]).toMatch(
      /stacks\/dev\/apis\/world-cities\/cities.csv: .*row/,
    );
    expect(Object.keys(outputs.failedApis as object)).toEqual(["world-cities"]);
  });

  it("a broken manifest fails the program with validate's message", async () => {
    const root = scratchRoot();
    const manifest = join(root, "stacks/dev/apis/fx-convert/api.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace('price: "$0.002"', 'price: "free"'));
    await expect(runDev(root)).rejects.toThrow(
      /stacks\/dev\/apis\/fx-convert\/api.yaml: price: "free" is not a USD price/,
    );
  });
});

describe("per-API platform fee within the stack's bounds", () => {
  it("an api.yaml platformFeeBps inside [min, max] gives that API its own split terms and address", async () => {
    const root = scratchRoot();
    withManifestLine(root, "fx-convert", "platformFeeBps: 1500");
    const { resources } = await runDev(root);
    const apis = only(resources, CREATOR_API);
    expect(apis.find((a) => a.name === "fx-convert")!.inputs).toMatchObject({
      payTo: splitOf("fx-convert", FX_OWNER, 1500),
      platformFeeBps: 1500,
      creatorShareBps: 8500,
    });
    // the others keep the stack fee
    expect(apis.find((a) => a.name === "world-cities")!.inputs).toMatchObject({ platformFeeBps: 500 });
  });

  it("a fee outside the bounds fails the program, naming the API file and field", async () => {
    const root = scratchRoot();
    withManifestLine(root, "fx-convert", "platformFeeBps: 2500");
    await expect(runDev(root)).rejects.toThrow(
      /stacks\/dev\/apis\/fx-convert\/api.yaml: platformFeeBps: 2500 bps is outside this stack's bounds \[100, 2000\] \(402claw:platformFeeBpsMin\/Max\)/,
    );
  });

  it("without bounds no API may deviate from the stack fee", async () => {
    const root = scratchRoot();
    const yaml = join(root, "Pulumi.dev.yaml");
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/^ {2}402claw:platformFeeBpsM(in|ax):.*\n/gm, ""));
    withManifestLine(root, "fx-convert", "platformFeeBps: 600");
    await expect(runDev(root)).rejects.toThrow(/api.yaml: platformFeeBps: 600 bps is outside .*\[500, 500\]/);
  });

  it("a creator whose wallet is the platform wallet is refused, naming the owner field", async () => {
    await expect(
      runDev(scratchRoot(), {
        "402claw:platformWallet": FX_OWNER,
        "402claw:network": "eip155:31337", // the local chain: the only one where anvil wallets pass
      }),
    ).rejects.toThrow(
      /stacks\/dev\/apis\/fx-convert\/api.yaml: owner: the creator wallet .* is the platform wallet/,
    );
  });
});

describe("prod values that validate but are unsafe are refused before any resource", () => {
  const secrets = { "402claw:authSecret": "b".repeat(64) };

  it("the shipped prod placeholders (zero ids, zero wallet) are refused, key by key", async () => {
    await expect(runStack(REPO_ROOT, "prod", secrets)).rejects.toThrow(
      /config 402claw:accountId: is still the template's placeholder \(all zeros\)\. Fix: copy the account id/,
    );
    await expect(runStack(REPO_ROOT, "prod", { ...secrets, "402claw:accountId": ACCOUNT })).rejects.toThrow(
      /config 402claw:zoneId: is still the template's placeholder/,
    );
    await expect(
      runStack(REPO_ROOT, "prod", {
        ...secrets,
        "402claw:accountId": ACCOUNT,
        "402claw:zoneId": FILLED_IN["402claw:zoneId"],
      }),
    ).rejects.toThrow(
      /config 402claw:platformWallet: is still the template's placeholder \(0x0+dEaD, a burn address\)/,
    );
  });

  it("the offline plan's leniency accepts the placeholders (and nothing else does)", async () => {
    const { resources } = await runStack(REPO_ROOT, "prod", secrets, { allowPlaceholders: true });
    expect(one(resources, GATEWAY, "gateway-script").inputs.accountId).toBe("0".repeat(32));
  });

  it("anvil's well-known development wallet is refused as the platform wallet, even in the plan", async () => {
    const anvil1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const message =
      /config 402claw:platformWallet: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is anvil's well-known development account #1: its private key is public/;
    await expect(
      runStack(REPO_ROOT, "prod", { ...secrets, ...FILLED_IN, "402claw:platformWallet": anvil1 }),
    ).rejects.toThrow(message);
    await expect(
      runStack(
        REPO_ROOT,
        "prod",
        { ...secrets, "402claw:platformWallet": anvil1 },
        { allowPlaceholders: true },
      ),
    ).rejects.toThrow(message);
    // dev is Base Sepolia, not the local chain: refused there too
    await expect(runDev(REPO_ROOT, { "402claw:platformWallet": anvil1 })).rejects.toThrow(
      /anvil's well-known/,
    );
  });

  it("a published receiver-authorizer key (anvil's, or the local one) or a malformed one is refused off the local chain", async () => {
    const filled = { ...secrets, ...FILLED_IN };
    await expect(
      runStack(REPO_ROOT, "prod", {
        ...filled,
        "402claw:receiverAuthorizerKey": LOCAL_RECEIVER_AUTHORIZER.privateKey,
      }),
    ).rejects.toThrow(/config 402claw:receiverAuthorizerKey: is a published development key/);
    await expect(
      runStack(REPO_ROOT, "prod", { ...filled, "402claw:receiverAuthorizerKey": devAccount(0).privateKey }),
    ).rejects.toThrow(/published development key/);
    await expect(
      runStack(REPO_ROOT, "prod", { ...filled, "402claw:receiverAuthorizerKey": "0x1234" }),
    ).rejects.toThrow(/config 402claw:receiverAuthorizerKey: must be a 0x-prefixed 32-byte hex private key/);
  });

  it("a prod API owned by an anvil account is refused, naming its api.yaml owner", async () => {
    const root = scratchRoot();
    cpSync(join(root, "stacks/dev/apis/fx-convert"), join(root, "stacks/prod/apis/fx-convert"), {
      recursive: true,
    });
    await expect(runStack(root, "prod", { ...secrets, ...FILLED_IN })).rejects.toThrow(
      /stacks\/prod\/apis\/fx-convert\/api.yaml: owner: 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc is anvil's well-known development account #5/,
    );
  });

  it("a rate limit the zone's plan does not allow is refused, naming the key and the allowed values", async () => {
    const rateLimit = JSON.stringify({ requestsPerPeriod: 100, periodSeconds: 60, scope: "zone" });
    await expect(runDev(REPO_ROOT, { "402claw:rateLimit": rateLimit })).rejects.toThrow(
      /config 402claw:rateLimit.periodSeconds: 60 is not a counting period a free zone allows \(10\)/,
    );
  });
});

describe("bad stack config fails at program start, naming the key", () => {
  // (each key's rules are covered fast in config.test.ts; this proves the program applies them)
  it("a wrong network stops the program before any resource", async () => {
    await expect(runDev(REPO_ROOT, { "402claw:network": "base" })).rejects.toThrow(
      /config 402claw:network: must be a CAIP-2 EVM network/,
    );
  });
});

describe("creator API secrets (402claw:apiSecrets)", () => {
  const VALUE = "sk-program-test-7Qx";

  it("passes each declared secret to its CreatorApi as a Pulumi secret, names in plain text", async () => {
    const root = scratchRoot();
    withManifestLine(root, "fx-convert", "secrets: [UPSTREAM_KEY]");
    const { resources, outputs } = await runDev(root, {
      "402claw:apiSecrets": JSON.stringify({ "fx-convert": { UPSTREAM_KEY: VALUE, UNDECLARED: "x" } }),
    });
    const fx = one(resources, CREATOR_API, "fx-convert");
    expect(fx.inputs.secretNames).toEqual(["UPSTREAM_KEY"]);
    // Wrapped as a secret: encrypted in the state, masked in diffs; only declared names pass.
    expect(fx.inputs.secrets).toEqual({ [SECRET_SIG]: expect.any(String), value: { UPSTREAM_KEY: VALUE } });
    expect(one(resources, CREATOR_API, "world-cities").inputs.secretNames).toEqual([]);
    expect(outputs.failedApis).toEqual({});
    expect(JSON.stringify(outputs)).not.toContain(VALUE);
  });

  it("a declared secret without a value fails that API in the plan, naming the key and the fix", async () => {
    const root = scratchRoot();
    withManifestLine(root, "fx-convert", "secrets: [UPSTREAM_KEY]");
    const { resources, outputs } = await runDev(root);
    // Still declared (the live version is kept); its update is refused by the provider's check.
    expect(one(resources, CREATOR_API, "fx-convert").inputs.secretNames).toEqual(["UPSTREAM_KEY"]);
    expect(outputs.failedApis).toEqual({
      "fx-convert": expect.stringContaining(
        "stacks/dev/apis/fx-convert/api.yaml: secret UPSTREAM_KEY has no value (402claw:apiSecrets.fx-convert.UPSTREAM_KEY). Fix: pulumi config set --secret --path '402claw:apiSecrets.fx-convert.UPSTREAM_KEY' <value>",
      ),
    });
  });
});
