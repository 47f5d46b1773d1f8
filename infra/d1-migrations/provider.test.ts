import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { migrationHash, readMigrations } from "../../core/migrations/read-migrations.ts";
import type { Migration } from "../../core/migrations/types.ts";
import { cloudflareSdkUrl } from "../cloudflare/sdk.ts";
import { answerD1Query } from "../testing/fake-d1.ts";
import { on, recordingFetch, TEST_BASE_URL } from "../testing/recording-fetch.ts";
import { d1MigrationsProvider } from "./provider.ts";
import type { D1MigrationsInputs, D1MigrationsOutputs } from "./types.ts";

const D1_PATH = "/accounts/acc123/d1/database/db-uuid/query";
const files = readMigrations(join(import.meta.dirname, "../../runtime/migrations"));
/** Every migration the runtime ships, in order (the list grows with the runtime). */
const names = files.map((file) => file.name);
const m = (name: string, sql: string): Migration => ({ name, sql, hash: migrationHash(sql) });
const inputs = (migrations: Migration[]): D1MigrationsInputs => ({
  accountId: "acc123",
  databaseId: "db-uuid",
  files: migrations.map((x) => x.name),
  migrations,
});
const provider = () =>
  d1MigrationsProvider({
    sdkUrl: cloudflareSdkUrl(),
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
  });

function d1Backed(db: DatabaseSync) {
  const recorder = recordingFetch([on("POST", D1_PATH, (request) => answerD1Query(db, request.json))]);
  vi.stubGlobal("fetch", recorder.fetch);
  return recorder.requests;
}

beforeEach(() => {
  vi.stubEnv("CLOUDFLARE_API_BASE_URL", TEST_BASE_URL);
  vi.stubEnv("CLOUDFLARE_API_TOKEN", "t0ken");
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("D1 migrations provider over the D1 HTTP API (real SQLite behind it)", () => {
  it("create applies runtime/migrations and records them in d1_migrations", async () => {
    const db = new DatabaseSync(":memory:");
    const requests = d1Backed(db);
    const result = await provider().create!(inputs(files));
    expect(names[0]).toBe("0001_init.sql");
    expect(result.outs.applied).toEqual(names);
    expect(
      db
        .prepare("SELECT name FROM d1_migrations")
        .all()
        .map((r) => r.name),
    ).toEqual(names);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'apis'").get()!.n).toBe(1);
    for (const request of requests) {
      expect(request.method).toBe("POST");
      expect(request.headers.authorization).toBe("Bearer t0ken");
      expect(request.headers["content-type"]).toBe("application/json");
    }
    // The migration itself goes as one atomic batch with its bookkeeping rows.
    const batches = requests.map((r) => (r.json as { batch?: Array<{ sql: string }> }).batch).filter(Boolean);
    const migrationBatch = batches.find((batch) =>
      batch!.some((s) => s.sql.startsWith("CREATE TABLE creators")),
    )!;
    expect(migrationBatch.at(-2)!.sql).toBe("INSERT INTO d1_migrations (name) VALUES (?)");
  });

  it("diff shows only pending files; update applies only them", async () => {
    const db = new DatabaseSync(":memory:");
    d1Backed(db);
    const first = (await provider().create!(inputs(files))).outs as D1MigrationsOutputs;
    expect((await provider().diff!("id", first, inputs(files))).changes).toBe(false);
    const next = [...files, m("9999_index.sql", "CREATE INDEX idx_apis_status ON apis(status);")];
    expect(await provider().diff!("id", first, inputs(next))).toMatchObject({ changes: true, replaces: [] });
    const updated = await provider().update!("id", first, inputs(next));
    expect(updated.outs.applied).toEqual([...names, "9999_index.sql"]);
  });

  it("check refuses an edited applied migration at preview, naming the file and the fix", async () => {
    const applied: D1MigrationsOutputs = { ...inputs(files), applied: ["0001_init.sql"] };
    const edited = [m("0001_init.sql", `${files[0]!.sql}\n-- tweak`)];
    const result = await provider().check!(applied, inputs(edited));
    expect(result.failures?.[0]?.property).toBe("migrations");
    expect(result.failures?.[0]?.reason).toMatch(
      /migration 0001_init.sql was edited after it was applied.*Fix: restore/,
    );
  });

  it("apply refuses an edited migration against the live hash table too (state not trusted)", async () => {
    const db = new DatabaseSync(":memory:");
    d1Backed(db);
    await provider().create!(inputs(files));
    const edited = [m("0001_init.sql", `${files[0]!.sql}\n-- tweak`)];
    await expect(provider().update!("id", { ...inputs(files), applied: [] }, inputs(edited))).rejects.toThrow(
      /edited after it was applied/,
    );
  });

  it("a failing migration surfaces D1's error and leaves nothing recorded", async () => {
    const db = new DatabaseSync(":memory:");
    d1Backed(db);
    await expect(
      provider().create!(inputs([m("0001_bad.sql", "CREATE TABLE t (x INTEGER);\nCREATE TABLE (;")])),
    ).rejects.toThrow(/0001_bad.sql failed and was not recorded: .*failed with 400: \[7500\]/);
    expect(db.prepare("SELECT count(*) AS n FROM d1_migrations").get()!.n).toBe(0);
  });

  it("delete never touches the database", async () => {
    const requests = d1Backed(new DatabaseSync(":memory:"));
    await provider().delete!("id", { ...inputs(files), applied: ["0001_init.sql"] });
    expect(requests).toEqual([]);
  });

  it("read reports what the database really applied (refresh shows drift)", async () => {
    const db = new DatabaseSync(":memory:");
    d1Backed(db);
    const outs = (await provider().create!(inputs(files))).outs as D1MigrationsOutputs;
    db.exec("DELETE FROM d1_migrations");
    expect((await provider().read!("id", outs)).props).toMatchObject({ applied: [] });
  });

  it("a replaced database id means re-applying everything on the new one", async () => {
    const first: D1MigrationsOutputs = { ...inputs(files), applied: ["0001_init.sql"] };
    expect(await provider().diff!("id", first, { ...inputs(files), databaseId: "new-db" })).toMatchObject({
      changes: true,
      replaces: ["databaseId"],
    });
  });
});
