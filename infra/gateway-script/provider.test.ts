import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cloudflareSdkUrl } from "../cloudflare/sdk.ts";
import { on, type RecordedRequest, recordingFetch, TEST_BASE_URL } from "../testing/recording-fetch.ts";
import { dueMigrations, GATEWAY_MIGRATIONS } from "./migrations.ts";
import { gatewayScriptProvider } from "./provider.ts";
import type { GatewayScriptInputs, GatewayScriptOutputs } from "./types.ts";

const SCRIPT_PATH = "/accounts/acc123/workers/scripts/402claw-dev-gateway";
const inputs: GatewayScriptInputs = {
  accountId: "acc123",
  scriptName: "402claw-dev-gateway",
  mainModule: "worker.js",
  content: "export default { fetch() { return new Response('gateway') } }",
  compatibilityDate: "2026-07-01",
  compatibilityFlags: ["nodejs_compat"],
  bindings: [
    {
      type: "dispatch_namespace",
      name: "DISPATCHER",
      namespace: "402claw-dev-apis",
      outbound: {
        worker: { service: "402claw-dev-outbound" },
        params: [{ name: "slug" }, { name: "owner" }, { name: "egress" }],
      },
    },
    { type: "durable_object_namespace", name: "PAYER_LEDGER", class_name: "PayerLedger" },
    { type: "secret_text", name: "ADMIN_TOKEN", text: "a".repeat(64) },
  ],
  migrations: [...GATEWAY_MIGRATIONS],
};
const provider = () =>
  gatewayScriptProvider({
    sdkUrl: cloudflareSdkUrl(),
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
  });

function install(routes: Parameters<typeof recordingFetch>[0] = []) {
  const recorder = recordingFetch(routes);
  vi.stubGlobal("fetch", recorder.fetch);
  return recorder.requests;
}
const metadataOf = (request: RecordedRequest) => JSON.parse(String(request.form!.get("metadata")));

beforeEach(() => {
  vi.stubEnv("CLOUDFLARE_API_BASE_URL", TEST_BASE_URL);
  vi.stubEnv("CLOUDFLARE_API_TOKEN", "token-from-env");
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("Durable Object migrations due for an upload", () => {
  const v2 = [...GATEWAY_MIGRATIONS, { tag: "v2", renamedClasses: [{ from: "PayerLedger", to: "Ledger" }] }];

  it("a new script gets every migration, without an old_tag", () => {
    expect(dueMigrations(GATEWAY_MIGRATIONS, null)).toEqual({
      new_tag: "v1",
      steps: [{ new_sqlite_classes: ["PayerLedger"] }],
    });
  });

  it("a script at the latest tag gets none (sending v1 again is error 10079)", () => {
    expect(dueMigrations(GATEWAY_MIGRATIONS, "v1")).toBeUndefined();
  });

  it("a later migration carries only the new steps, checked against the live tag", () => {
    expect(dueMigrations(v2, "v1")).toEqual({
      old_tag: "v1",
      new_tag: "v2",
      steps: [{ renamed_classes: [{ from: "PayerLedger", to: "Ledger" }] }],
    });
  });

  it("a live tag the program does not know fails with the fix, before any upload", () => {
    expect(() => dueMigrations(GATEWAY_MIGRATIONS, "v7")).toThrow(
      /migration tag "v7", which is not in infra\/gateway-script\/migrations.ts \(v1\)\. Fix:/,
    );
  });
});

describe("GatewayScript provider", () => {
  it("create uploads the module with the ledger's migration and records the tag", async () => {
    const requests = install();
    const result = await provider().create!(inputs);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT ${SCRIPT_PATH}`]);
    expect(requests[0]!.headers.authorization).toBe("Bearer token-from-env");
    const metadata = metadataOf(requests[0]!);
    expect(metadata).toMatchObject({
      main_module: "worker.js",
      compatibility_date: "2026-07-01",
      compatibility_flags: ["nodejs_compat"],
      migrations: { new_tag: "v1", steps: [{ new_sqlite_classes: ["PayerLedger"] }] },
      observability: { enabled: true },
    });
    expect(metadata.migrations.old_tag).toBeUndefined();
    const module = requests[0]!.form!.get("worker.js") as File;
    expect(module.type).toBe("application/javascript+module");
    expect(await module.text()).toBe(inputs.content);
    expect(result).toMatchObject({ id: "402claw-dev-gateway", outs: { migrationTag: "v1" } });
  });

  it("sends the outbound params as [{ name }] objects, the shape the API (and wrangler) use", async () => {
    const requests = install();
    await provider().create!(inputs);
    const dispatcher = metadataOf(requests[0]!).bindings.find(
      (b: { name: string }) => b.name === "DISPATCHER",
    );
    expect(dispatcher.outbound).toEqual({
      worker: { service: "402claw-dev-outbound" },
      params: [{ name: "slug" }, { name: "owner" }, { name: "egress" }],
    });
  });

  it("an ordinary update (the second pulumi up) carries no migration", async () => {
    const requests = install();
    const olds: GatewayScriptOutputs = { ...inputs, migrationTag: "v1" };
    const result = await provider().update!("402claw-dev-gateway", olds, {
      ...inputs,
      content: "// v2 code",
    });
    expect(metadataOf(requests[0]!).migrations).toBeUndefined();
    expect(result.outs).toMatchObject({ migrationTag: "v1" });
  });

  it("an update that adds a migration sends old_tag v1 and only the new step", async () => {
    const requests = install();
    const olds: GatewayScriptOutputs = { ...inputs, migrationTag: "v1" };
    const news = { ...inputs, migrations: [...inputs.migrations, { tag: "v2", deletedClasses: ["Old"] }] };
    const result = await provider().update!("402claw-dev-gateway", olds, news);
    expect(metadataOf(requests[0]!).migrations).toEqual({
      old_tag: "v1",
      new_tag: "v2",
      steps: [{ deleted_classes: ["Old"] }],
    });
    expect(result.outs).toMatchObject({ migrationTag: "v2" });
  });

  it("a 10079 from Cloudflare is reported with the call and Cloudflare's words", async () => {
    install([
      on("PUT", SCRIPT_PATH, {
        status: 400,
        errors: [{ code: 10079, message: "Migration tag precondition failed; current tag is v1" }],
      }),
    ]);
    await expect(provider().create!(inputs)).rejects.toThrow(
      /PUT \/accounts\/acc123\/workers\/scripts\/402claw-dev-gateway failed with 400: \[10079\] Migration tag precondition failed/,
    );
  });

  it("diff: a code change is an in-place upload; a new name replaces", async () => {
    const olds: GatewayScriptOutputs = { ...inputs, migrationTag: "v1" };
    expect(await provider().diff!("id", olds, inputs)).toMatchObject({ changes: false });
    expect(await provider().diff!("id", olds, { ...inputs, content: "x" })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await provider().diff!("id", olds, { ...inputs, scriptName: "other" })).toMatchObject({
      replaces: ["scriptName"],
    });
  });

  it("refresh learns the live migration tag; a missing script is gone", async () => {
    const requests = install([
      on("GET", "/accounts/acc123/workers/scripts", {
        result: [{ id: "402claw-dev-gateway", migration_tag: "v1" }, { id: "other" }],
      }),
    ]);
    const stale: GatewayScriptOutputs = { ...inputs, migrationTag: null };
    expect(await provider().read!("402claw-dev-gateway", stale)).toMatchObject({
      props: { migrationTag: "v1" },
    });
    expect(requests[0]!.path).toBe("/accounts/acc123/workers/scripts");
    expect(await provider().read!("gone", { ...stale, scriptName: "gone" })).toEqual({});
  });

  it("delete removes the script with force (it owns the ledger's namespace); already gone is fine", async () => {
    const requests = install([
      on("DELETE", /\/scripts\/gone/, { status: 404, errors: [{ code: 10007, message: "not found" }] }),
    ]);
    await provider().delete!("402claw-dev-gateway", { ...inputs, migrationTag: "v1" });
    await provider().delete!("gone", { ...inputs, scriptName: "gone", migrationTag: "v1" });
    expect(requests.map((r) => `${r.method} ${r.url.replace(TEST_BASE_URL, "")}`)).toEqual([
      `DELETE ${SCRIPT_PATH}?force=true`,
      "DELETE /accounts/acc123/workers/scripts/gone?force=true",
    ]);
  });
});
