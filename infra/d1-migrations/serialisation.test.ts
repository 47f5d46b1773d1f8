import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "../../core/migrations/read-migrations.ts";
import { answerD1Query } from "../testing/fake-d1.ts";
import { fakeCloudflareServer, runInProviderHost, serialiseProviders } from "../testing/provider-host.ts";

const db = new DatabaseSync(":memory:");
let serialised: string;
let server: Awaited<ReturnType<typeof fakeCloudflareServer>>;

beforeAll(async () => {
  serialised = await serialiseProviders();
  server = await fakeCloudflareServer((request) =>
    request.path.endsWith("/query") ? answerD1Query(db, request.json) : undefined,
  );
});
afterAll(() => server?.close());

describe("D1 migrations provider after Pulumi's closure serialisation", () => {
  it("reloads in a plain node process and migrates a real SQLite database over HTTP", async () => {
    const migrations = readMigrations(join(import.meta.dirname, "../../runtime/migrations"));
    const inputs = { accountId: "acc", databaseId: "db", files: migrations.map((m) => m.name), migrations };
    const results = await runInProviderHost(
      serialised,
      "d1Migrations",
      [{ method: "create", args: [inputs] }],
      {
        CLOUDFLARE_API_BASE_URL: server.baseUrl,
        CLOUDFLARE_API_TOKEN: "t",
      },
    );
    const names = migrations.map((m) => m.name); // every runtime migration, in order
    expect(results[0]).toMatchObject({ ok: { id: "db/migrations", outs: { applied: names } } });
    expect(
      db
        .prepare("SELECT name FROM d1_migrations")
        .all()
        .map((r) => r.name),
    ).toEqual(names);
  });
});
