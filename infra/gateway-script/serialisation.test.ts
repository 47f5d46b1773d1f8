import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../testing/program-fixture.ts";
import { fakeCloudflareServer, runInProviderHost, serialiseProviders } from "../testing/provider-host.ts";
import { GATEWAY_MIGRATIONS } from "./migrations.ts";
import type { GatewayScriptInputs } from "./types.ts";

let serialised: string;
let server: Awaited<ReturnType<typeof fakeCloudflareServer>>;

beforeAll(async () => {
  serialised = await serialiseProviders();
  server = await fakeCloudflareServer(() => undefined);
});
afterAll(() => server?.close());

describe("GatewayScript provider after Pulumi's closure serialisation", () => {
  it("reloads in a plain node process; the first upload migrates, the second does not", async () => {
    const inputs: GatewayScriptInputs = {
      accountId: "acc",
      scriptName: "gw",
      mainModule: "worker.js",
      content: "export default {}",
      compatibilityDate: "2026-07-01",
      compatibilityFlags: ["nodejs_compat"],
      bindings: [{ type: "plain_text", name: "ENVIRONMENT", text: "dev" }],
      migrations: [...GATEWAY_MIGRATIONS],
    };
    const results = await runInProviderHost(
      serialised,
      "gatewayScript",
      [
        { method: "create", args: [inputs] },
        {
          method: "update",
          args: ["gw", { ...inputs, migrationTag: "v1" }, { ...inputs, content: "// new" }],
        },
      ],
      { CLOUDFLARE_API_BASE_URL: server.baseUrl, CLOUDFLARE_API_TOKEN: "serialised-token" },
    );
    expect(results[0]).toMatchObject({ ok: { id: "gw", outs: { migrationTag: "v1" } } });
    expect(results[1]).toMatchObject({ ok: { outs: { migrationTag: "v1" } } });
    const [first, second] = server.requests;
    expect(first!.method).toBe("PUT");
    expect(first!.path).toBe("/accounts/acc/workers/scripts/gw");
    expect(first!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(first!.headers.authorization).toBe("Bearer serialised-token");
    expect(first!.text).toContain(
      '"migrations":{"new_tag":"v1","steps":[{"new_sqlite_classes":["PayerLedger"]}]}',
    );
    expect(second!.text).not.toContain('"migrations"');
    expect(second!.text).toContain("// new");
  });

  it("a state written from another checkout (SDK path gone) still loads the installed SDK", async () => {
    const moved = serialised.replace(/providers\.json$/, "moved.json");
    const texts = JSON.parse(readFileSync(serialised, "utf8")) as Record<string, string>;
    const sdkUrl = import.meta.resolve("cloudflare");
    expect(texts.gatewayScript).toContain(sdkUrl);
    texts.gatewayScript = texts.gatewayScript!.replaceAll(
      sdkUrl,
      "file:///checkout/gone/node_modules/cloudflare/index.mjs",
    );
    writeFileSync(moved, JSON.stringify(texts));
    const before = server.requests.length;
    const [result] = await runInProviderHost(
      moved,
      "gatewayScript",
      [{ method: "delete", args: ["gw", { accountId: "acc", scriptName: "gw" }] }],
      { CLOUDFLARE_API_BASE_URL: server.baseUrl, CLOUDFLARE_API_TOKEN: "serialised-token" },
      REPO_ROOT, // Pulumi runs dynamic providers from the project directory
    );
    expect(result).toEqual({});
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      "DELETE /accounts/acc/workers/scripts/gw?force=true",
    ]);
  });
});
