import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../../core/build/build-api.ts";
import { type LoadedApi, loadApiFolder } from "../../core/manifest/load.ts";
import { applyMigrations } from "../../core/migrations/apply-migrations.ts";
import { readMigrations } from "../../core/migrations/read-migrations.ts";
import { sqliteRunner } from "../../core/migrations/sqlite-runner.ts";
import { answerD1Query } from "../testing/fake-d1.ts";
import { fakeCloudflareServer, runInProviderHost, serialiseProviders } from "../testing/provider-host.ts";
import type { CreatorApiInputs } from "./types.ts";

const ROOT = join(import.meta.dirname, "../..");
const db = new DatabaseSync(":memory:");
let serialised: string;
let server: Awaited<ReturnType<typeof fakeCloudflareServer>>;

beforeAll(async () => {
  await applyMigrations(sqliteRunner(db), readMigrations(join(ROOT, "runtime/migrations")));
  serialised = await serialiseProviders();
  server = await fakeCloudflareServer((request) =>
    request.path.endsWith("/query") ? answerD1Query(db, request.json) : undefined,
  );
});
afterAll(() => server?.close());

describe("CreatorApi provider after Pulumi's closure serialisation", () => {
  it("reloads in a plain node process and deploys a real API folder end to end", async () => {
    const api = loadApiFolder(ROOT, join(ROOT, "stacks/dev/apis/fx-convert")) as LoadedApi;
    const built = await buildApi(api);
    const inputs: CreatorApiInputs = {
      accountId: "acc",
      namespace: "ns",
      databaseId: "db",
      bucketName: "bucket",
      kvNamespaceId: "kv",
      slug: "fx-convert",
      apiDir: "stacks/dev/apis/fx-convert",
      kind: "function",
      owner: api.manifest.owner,
      price: api.manifest.price,
      priceAtomic: String(built.priceAtomic),
      payTo: "0x5ab7f1d0D2b2e1F5c5A6e2DC5b9f3a0c1E2D3F40", // stands for the predicted split
      splitter: "0xsplits-v2",
      platformWallet: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      platformFeeBps: 500,
      creatorShareBps: 9500,
      contentHash: built.contentHash,
    };
    const results = await runInProviderHost(
      serialised,
      "creatorApi",
      [
        { method: "check", args: [undefined, inputs] },
        { method: "create", args: [inputs] },
        {
          method: "check",
          args: [undefined, { ...inputs, apiDir: "stacks/dev/apis/missing-api", slug: "missing-api" }],
        },
      ],
      { CLOUDFLARE_API_BASE_URL: server.baseUrl, CLOUDFLARE_API_TOKEN: "serialised-token" },
    );
    expect(results[0]).toEqual({ ok: { inputs } });
    expect(results[1]).toMatchObject({
      ok: { id: "fx-convert", outs: { stage: "complete", deployedHash: built.contentHash } },
    });
    // The toolchain (loaded through tsx at call time) reports validate's messages.
    expect(JSON.stringify(results[2])).toMatch(
      /stacks\/dev\/apis\/missing-api\/api.yaml: \(file\): is missing/,
    );
    const upload = server.requests.find((r) => r.method === "PUT")!;
    expect(upload.path).toBe("/accounts/acc/workers/dispatch/namespaces/ns/scripts/fx-convert");
    expect(upload.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.headers.authorization).toBe("Bearer serialised-token");
    expect(upload.text).toContain('"main_module":"worker.js"');
    expect(upload.text).toContain("Content-Type: application/javascript+module");
    // The catalog row landed in a real SQLite catalog through the D1 query shape, typed by affinity.
    const row = db
      .prepare(
        "SELECT price_atomic, typeof(price_atomic) AS t, status, pay_to, platform_fee_bps, split_kind FROM apis WHERE slug = 'fx-convert'",
      )
      .get()!;
    expect(row).toEqual({
      price_atomic: 2000,
      t: "integer",
      status: "active",
      pay_to: inputs.payTo,
      platform_fee_bps: 500,
      split_kind: "0xsplits-v2",
    });
  });
});
