import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { registerApiStatements, retireApiStatement } from "../../core/catalog/api-row.ts";
import { cloudflareSdkUrl } from "../cloudflare/sdk.ts";
import { dataApiFixture, FIXTURE_OWNER } from "../testing/built-api-fixture.ts";
import {
  on,
  type RecordedRequest,
  recordingFetch,
  TEST_BASE_URL,
  times,
} from "../testing/recording-fetch.ts";
import { creatorApiProvider } from "./provider.ts";
import type { CreatorApiInputs, CreatorApiOutputs, CreatorToolchain } from "./types.ts";

const ACCOUNT = "acc123";
const SCRIPT_PATH = "/accounts/acc123/workers/dispatch/namespaces/claw-dev/scripts/world-cities";
const D1_PATH = "/accounts/acc123/d1/database/db-uuid/query";
// The SDK's path encoding: the key is one segment (its ":" needs no escape, its "/" is escaped).
const KV_PATH = "/accounts/acc123/storage/kv/namespaces/kv123/values/api:world-cities";
const R2_PATH =
  "/accounts/acc123/r2/buckets/claw-dev-data/objects/datasets%2Fworld-cities%2F0123456789abcdef.json";

const built = dataApiFixture();
// Stands for the API's predicted 0xSplits address (any address; prediction is the program's job).
const SPLIT = "0x5ab7f1d0D2b2e1F5c5A6e2DC5b9f3a0c1E2D3F40";
const PLATFORM = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const inputs: CreatorApiInputs = {
  accountId: ACCOUNT,
  namespace: "claw-dev",
  databaseId: "db-uuid",
  bucketName: "claw-dev-data",
  kvNamespaceId: "kv123",
  slug: "world-cities",
  apiDir: "stacks/dev/apis/world-cities",
  kind: "data",
  owner: FIXTURE_OWNER,
  price: "$0.001",
  priceAtomic: "1000",
  payTo: SPLIT,
  splitter: "0xsplits-v2",
  platformWallet: PLATFORM,
  platformFeeBps: 500,
  creatorShareBps: 9500,
  contentHash: built.contentHash,
};
const deployed: CreatorApiOutputs = {
  ...inputs,
  deployedHash: built.contentHash,
  stage: "complete",
  dataKey: built.data!.key,
  deployedAt: 1,
};

const toolchain: CreatorToolchain = {
  validateApiFolder: async () => [],
  buildApiFolder: async () => built,
};
const provider = (tools: CreatorToolchain = toolchain) =>
  creatorApiProvider({
    repoRoot: "/repo",
    toolchainUrl: "unused",
    tsxApiUrl: "unused",
    sdkUrl: cloudflareSdkUrl(),
    toolchain: tools,
    retry: { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 },
  });

function install(routes: Parameters<typeof recordingFetch>[0] = []) {
  const recorder = recordingFetch(routes);
  vi.stubGlobal("fetch", recorder.fetch);
  return recorder.requests;
}
type PartialError = Error & { id?: string; properties?: Record<string, unknown> };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e: unknown) => e as PartialError,
  );
const summary = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}`);

beforeEach(() => {
  vi.stubEnv("CLOUDFLARE_API_BASE_URL", TEST_BASE_URL);
  vi.stubEnv("CLOUDFLARE_API_TOKEN", "token-from-env");
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("CreatorApi provider: create", () => {
  it("uploads data, then the worker, registers it in D1 and purges its cache key", async () => {
    const requests = install();
    const result = await provider().create!(inputs);
    expect(summary(requests)).toEqual([
      `PUT ${R2_PATH}`,
      `PUT ${SCRIPT_PATH}`,
      `POST ${D1_PATH}`,
      `DELETE ${KV_PATH}`,
    ]);
    for (const request of requests) expect(request.headers.authorization).toBe("Bearer token-from-env");
    expect(requests[0]!.headers["content-type"]).toBe("application/json");
    expect(requests[0]!.text).toBe(built.data!.body);
    expect(result).toMatchObject({
      id: "world-cities",
      outs: { deployedHash: built.contentHash, stage: "complete", dataKey: built.data!.key },
    });
  });

  it("sends the documented multipart upload: metadata part plus an ES module part", async () => {
    const requests = install();
    await provider().create!(inputs);
    const form = requests[1]!.form!;
    expect(requests[1]!.headers["content-type"]).toBeUndefined(); // fetch sets multipart/form-data; boundary=...
    const metadata = JSON.parse(String(form.get("metadata")));
    expect(metadata).toEqual({
      main_module: "worker.js",
      compatibility_date: "2026-07-01",
      compatibility_flags: [],
      bindings: [
        { type: "plain_text", name: "API_SLUG", text: "world-cities" },
        { type: "plain_text", name: "DATA_KEY", text: built.data!.key },
        { type: "r2_bucket", name: "DATA", bucket_name: "claw-dev-data" },
      ],
      tags: [
        "402claw",
        "slug=world-cities",
        `creator=${FIXTURE_OWNER.toLowerCase()}`,
        `hash=${"a".repeat(32)}`,
      ],
    });
    const module = form.get("worker.js") as File;
    expect(module.type).toBe("application/javascript+module");
    expect(module.name).toBe("worker.js");
    expect(await module.text()).toBe(built.modules[0]!.content);
  });

  it("registers with exactly the catalog statements the local stack runs, params as strings", async () => {
    const requests = install();
    await provider().create!(inputs);
    const expected = registerApiStatements(built, SPLIT, 0, { platformFeeBps: 500, kind: "0xsplits-v2" });
    const batch = (requests[2]!.json as { batch: Array<{ sql: string; params: Array<string | null> }> })
      .batch;
    expect(batch.map((s) => s.sql)).toEqual(expected.map((s) => s.sql));
    expect(batch[1]!.params[6]).toBe("1000"); // price_atomic
    expect(batch[1]!.params[7]).toBe(SPLIT); // pay_to: the split, not the creator's wallet
    expect(batch.at(-1)!.params).toEqual(["500", "0xsplits-v2", "world-cities"]); // fee and kind for stats
    expect(batch[1]!.params.every((p) => p === null || typeof p === "string")).toBe(true);
  });

  it("reads the token at call time, preferring stack config over the environment", async () => {
    const requests = install();
    const p = provider();
    await p.configure!({
      config: { get: (key: string) => (key === "cloudflare:apiToken" ? "token-from-config" : undefined) },
    } as never);
    await p.create!(inputs);
    expect(requests[0]!.headers.authorization).toBe("Bearer token-from-config");
  });

  it("fails clearly without a token, before calling Cloudflare", async () => {
    vi.stubEnv("CLOUDFLARE_API_TOKEN", "");
    const requests = install();
    await expect(provider().create!(inputs)).rejects.toThrow(/no Cloudflare API token.*cloudflare:apiToken/);
    expect(requests).toEqual([]);
  });

  it("a build that fails (bad dataset) fails this API only, naming it and the file, before any call", async () => {
    const requests = install();
    const broken: CreatorToolchain = {
      ...toolchain,
      buildApiFolder: async () => {
        throw new Error(
          "stacks/dev/apis/world-cities/cities.csv: row 3 has 2 fields, the header has 6. Fix: …",
        );
      },
    };
    const error = await failure(
      provider(broken).update!("world-cities", deployed, { ...inputs, contentHash: "unbuilt" }),
    );
    expect(error.message).toMatch(
      /^creator API world-cities: build failed, its live version \(if any\) is unchanged: stacks\/dev\/apis\/world-cities\/cities.csv: row 3/,
    );
    expect(error.id).toBeUndefined(); // nothing went live: the old state stays
    expect(requests).toEqual([]);
  });

  it("refuses to deploy a build that differs from the planned one", async () => {
    install();
    await expect(provider().create!({ ...inputs, contentHash: "b".repeat(64) })).rejects.toThrow(
      /changed since the plan was made/,
    );
  });

  it("retries 429 (honouring Retry-After) and succeeds", async () => {
    const requests = install([
      times(
        2,
        on("PUT", SCRIPT_PATH, {
          status: 429,
          errors: [{ code: 971, message: "Please wait" }],
          headers: { "retry-after": "0" },
        }),
      ),
    ]);
    await provider().create!(inputs);
    expect(summary(requests).filter((line) => line === `PUT ${SCRIPT_PATH}`)).toHaveLength(3);
  });

  it("turns a 401 into a message naming the call, Cloudflare's words and the fix; no retry", async () => {
    const requests = install([
      on("PUT", R2_PATH, { status: 401, errors: [{ code: 10000, message: "Authentication error" }] }),
    ]);
    const error = await failure(provider().create!(inputs));
    expect(error.message).toMatch(
      /PUT \/accounts\/acc123\/r2\/buckets\/.* failed with 401: \[10000\] Authentication error\. Fix: the API token is missing, expired or mistyped/,
    );
    expect(error.id).toBeUndefined(); // nothing went live: a plain failure
    expect(requests).toHaveLength(1);
  });

  it("409 is reported as a conflict and not retried", async () => {
    const requests = install([
      on("PUT", SCRIPT_PATH, { status: 409, errors: [{ code: 10021, message: "script is being modified" }] }),
    ]);
    await expect(provider().create!(inputs)).rejects.toThrow(
      /failed with 409: \[10021\] script is being modified\. Fix: another change/,
    );
    expect(summary(requests).filter((line) => line.startsWith("PUT /accounts/acc123/workers"))).toHaveLength(
      1,
    );
  });

  it("a persistent 5xx mid-way reports a partial create with the id, so the next run repairs it", async () => {
    const requests = install([on("POST", D1_PATH, { status: 503, raw: "upstream unavailable" })]);
    const props = { ...inputs, __provider: "serialised-provider" };
    const error = await failure(provider().create!(props));
    expect(error.message).toMatch(
      /deploy stopped after stage "script uploaded".*failed with 503 after 3 attempts: upstream unavailable/,
    );
    expect(error.id).toBe("world-cities");
    expect(error.properties).toMatchObject({
      stage: "script uploaded",
      deployedHash: null,
      __provider: "serialised-provider",
    });
    expect(summary(requests).filter((line) => line === `POST ${D1_PATH}`)).toHaveLength(3);
    // The partial state makes diff ask for an update, which redeploys everything.
    const diff = await provider().diff!(
      "world-cities",
      error.properties as unknown as CreatorApiOutputs,
      inputs,
    );
    expect(diff.changes).toBe(true);
  });
});

describe("CreatorApi provider: diff and update", () => {
  const diff = (news: Partial<CreatorApiInputs>, olds: CreatorApiOutputs = deployed) =>
    provider().diff!("world-cities", olds, { ...inputs, ...news });

  it("no change when the planned build is the deployed one", async () => {
    expect(await diff({})).toMatchObject({ changes: false, replaces: [] });
  });

  it("price or owner change (a new content hash) is an in-place update", async () => {
    expect(await diff({ price: "$0.002", priceAtomic: "2000", contentHash: "c".repeat(64) })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(
      await diff({ owner: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", contentHash: "d".repeat(64) }),
    ).toMatchObject({ changes: true, replaces: [] });
  });

  it("a fee change (new split terms) is an in-place update, even while payTo reads the same", async () => {
    expect(await diff({ platformFeeBps: 1000, creatorShareBps: 9000 })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await diff({ platformWallet: FIXTURE_OWNER })).toMatchObject({ changes: true, replaces: [] });
  });

  it("state from before splits (no terms recorded) updates to record them", async () => {
    const { splitter, platformWallet, platformFeeBps, creatorShareBps, ...old } = deployed;
    expect(await diff({}, old as CreatorApiOutputs)).toMatchObject({ changes: true, replaces: [] });
  });

  it("a slug change replaces the resource", async () => {
    expect(await diff({ slug: "cities", apiDir: "stacks/dev/apis/cities" })).toMatchObject({
      changes: true,
      replaces: ["slug"],
    });
  });

  it("a new account or prefix replaces delete-first, so the old delete cannot retire the new row", async () => {
    expect(await diff({ accountId: "acc456" })).toMatchObject({
      replaces: ["accountId"],
      deleteBeforeReplace: true,
    });
    expect(await diff({ namespace: "claw-other" })).toMatchObject({
      replaces: ["namespace"],
      deleteBeforeReplace: true,
    });
    // An update never asks for a delete.
    expect(await diff({ price: "$0.002", priceAtomic: "2000" })).toMatchObject({
      deleteBeforeReplace: false,
    });
  });

  it("a payTo-only update re-registers without re-uploading the worker", async () => {
    const requests = install();
    const payTo = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    expect((await diff({ payTo })).changes).toBe(true);
    const result = await provider().update!("world-cities", deployed, { ...inputs, payTo });
    expect(summary(requests)).toEqual([`POST ${D1_PATH}`, `DELETE ${KV_PATH}`]);
    expect((requests[0]!.json as { batch: Array<{ params: unknown[] }> }).batch[1]!.params[7]).toBe(payTo);
    expect(result.outs).toMatchObject({ payTo, stage: "complete" });
  });

  it("a code change re-uploads data and worker", async () => {
    const next = dataApiFixture({ contentHash: "e".repeat(64) });
    const requests = install();
    await provider({ ...toolchain, buildApiFolder: async () => next }).update!("world-cities", deployed, {
      ...inputs,
      contentHash: next.contentHash,
    });
    expect(summary(requests)).toEqual([
      `PUT ${R2_PATH}`,
      `PUT ${SCRIPT_PATH}`,
      `POST ${D1_PATH}`,
      `DELETE ${KV_PATH}`,
    ]);
  });
});

describe("CreatorApi provider: delete", () => {
  it("removes the worker, retires the API in D1 (history kept) and purges the cache", async () => {
    const requests = install();
    await provider().delete!("world-cities", deployed);
    expect(summary(requests)).toEqual([`DELETE ${SCRIPT_PATH}`, `POST ${D1_PATH}`, `DELETE ${KV_PATH}`]);
    const batch = (requests[1]!.json as { batch: Array<{ sql: string }> }).batch;
    expect(batch.map((s) => s.sql)).toEqual([retireApiStatement("world-cities", 0).sql]);
    expect(batch[0]!.sql).not.toMatch(/DELETE/i);
  });

  it("treats a worker that is already gone (404) as deleted", async () => {
    const requests = install([
      on("DELETE", SCRIPT_PATH, {
        status: 404,
        errors: [{ code: 10007, message: "workers.api.error.script_not_found" }],
      }),
    ]);
    await expect(provider().delete!("world-cities", deployed)).resolves.toBeUndefined();
    expect(summary(requests)).toContain(`POST ${D1_PATH}`);
  });

  it("does not swallow other failures", async () => {
    install([
      on("DELETE", SCRIPT_PATH, { status: 403, errors: [{ code: 10000, message: "Authentication error" }] }),
    ]);
    await expect(provider().delete!("world-cities", deployed)).rejects.toThrow(
      /failed with 403.*lacks a permission/,
    );
  });
});

describe("CreatorApi provider: read (drift)", () => {
  const tags = (list: string[]) => on("GET", `${SCRIPT_PATH}/tags`, { result: list });

  it("keeps state when the live hash tag matches", async () => {
    install([tags(["402claw", `hash=${"a".repeat(32)}`])]);
    expect(await provider().read!("world-cities", deployed)).toEqual({ id: "world-cities", props: deployed });
  });

  it("flags drift when the worker was replaced outside Pulumi", async () => {
    install([tags(["402claw", `hash=${"f".repeat(32)}`])]);
    const result = await provider().read!("world-cities", deployed);
    expect(result.props).toMatchObject({ deployedHash: null, stage: "drifted" });
    expect((await provider().diff!("world-cities", result.props as CreatorApiOutputs, inputs)).changes).toBe(
      true,
    );
  });

  it("reports the resource gone when the worker is missing", async () => {
    install([
      on("GET", `${SCRIPT_PATH}/tags`, { status: 404, errors: [{ code: 10007, message: "not found" }] }),
    ]);
    expect(await provider().read!("world-cities", deployed)).toEqual({});
  });
});

describe("CreatorApi provider: check", () => {
  it("passes valid inputs through", async () => {
    expect(await provider().check!(undefined, inputs)).toEqual({ inputs });
  });

  it("reports manifest problems in validate's words, per field", async () => {
    const message =
      "stacks/dev/apis/world-cities/api.yaml: price: must be greater than $0. Fix: write the price";
    const failing = { ...toolchain, validateApiFolder: async () => [{ field: "price", message }] };
    expect(await provider(failing).check!(undefined, inputs)).toEqual({
      failures: [{ property: "price", reason: message }],
    });
  });

  it("refuses a payTo that is not an address (the offline plan's placeholder never deploys)", async () => {
    const placeholder = "<0xSplits split, predicted at deploy>";
    expect((await provider().check!(undefined, { ...inputs, payTo: placeholder })).failures).toEqual([
      { property: "payTo", reason: `payTo "${placeholder}" is not an address` },
    ]);
  });

  it("refuses split shares that do not add up, and a splitter other than 0xSplits", async () => {
    const failures = async (news: Partial<CreatorApiInputs>) =>
      (await provider().check!(undefined, { ...inputs, ...news })).failures?.map((f) => f.property);
    expect(await failures({ platformFeeBps: 1000 })).toEqual(["platformFeeBps"]);
    expect(await failures({ platformFeeBps: 0, creatorShareBps: 10_000 })).toEqual(["platformFeeBps"]);
    expect(await failures({ splitter: "local-payment-splitter" })).toEqual(["splitter"]);
  });

  it("requires the wiring inputs and a slug that matches its folder", async () => {
    expect((await provider().check!(undefined, { ...inputs, databaseId: "" })).failures).toEqual([
      { property: "databaseId", reason: "databaseId is required" },
    ]);
    expect((await provider().check!(undefined, { ...inputs, slug: "other" })).failures?.[0]?.property).toBe(
      "slug",
    );
  });
});

describe("CreatorApi provider: secrets", () => {
  const SECRET = "sk-live-provider-test-9f3";
  const withSecret: CreatorApiInputs = {
    ...inputs,
    secretNames: ["UPSTREAM_KEY"],
    secrets: { UPSTREAM_KEY: SECRET },
  };

  it("binds each secret as secret_text in the upload, and nowhere else", async () => {
    const requests = install();
    await provider().create!(withSecret);
    const metadata = JSON.parse(String(requests[1]!.form!.get("metadata")));
    expect(metadata.bindings).toContainEqual({ type: "secret_text", name: "UPSTREAM_KEY", text: SECRET });
    expect(metadata.tags.join(",")).not.toContain(SECRET);
    // Only the script upload carries it: not the data, the catalog row or the cache purge.
    for (const request of requests.filter((_, index) => index !== 1))
      expect(`${request.path} ${request.text ?? ""}`).not.toContain(SECRET);
  });

  it("a declared secret without a value fails check, naming it and the fix (never a value)", async () => {
    const result = await provider().check!(undefined, {
      ...withSecret,
      secretNames: ["UPSTREAM_KEY", "OTHER"],
    });
    expect(result.failures).toEqual([
      {
        property: "secrets",
        reason:
          "secret OTHER has no value. Fix: pulumi config set --secret --path '402claw:apiSecrets.world-cities.OTHER' <value>",
      },
    ]);
    expect(JSON.stringify(result.failures)).not.toContain(SECRET);
  });

  it("a changed secret value is an update that re-uploads the worker with the same code", async () => {
    const olds: CreatorApiOutputs = { ...deployed, ...withSecret };
    const next = { ...withSecret, secrets: { UPSTREAM_KEY: "rotated" } };
    expect(await provider().diff!("world-cities", olds, withSecret)).toMatchObject({ changes: false });
    expect(await provider().diff!("world-cities", olds, next)).toMatchObject({ changes: true, replaces: [] });
    const requests = install();
    await provider().update!("world-cities", olds, next);
    expect(summary(requests)).toContain(`PUT ${SCRIPT_PATH}`);
    const metadata = JSON.parse(String(requests.find((r) => r.path === SCRIPT_PATH)!.form!.get("metadata")));
    expect(metadata.bindings).toContainEqual({ type: "secret_text", name: "UPSTREAM_KEY", text: "rotated" });
  });
});

describe("CreatorApi provider: a Python function", () => {
  it("uploads a Python Worker: .py modules typed text/x-python, main module claw_worker.py, python_workers", async () => {
    const { loadApiFolder } = await import("../../core/manifest/load.ts");
    const { buildApi } = await import("../../core/build/build-api.ts");
    const { REPO_ROOT } = await import("../testing/program-fixture.ts");
    const loaded = loadApiFolder(REPO_ROOT, `${REPO_ROOT}/stacks/dev/apis/text-stats`);
    if (Array.isArray(loaded)) throw loaded[0];
    const python = await buildApi(loaded);
    const requests = install();
    const tools = { ...toolchain, buildApiFolder: async () => python };
    await provider(tools).create!({
      ...inputs,
      slug: "text-stats",
      apiDir: "stacks/dev/apis/text-stats",
      kind: "function",
      contentHash: python.contentHash,
    });
    const upload = requests.find((request) => request.path.endsWith("/scripts/text-stats"))!;
    const metadata = JSON.parse(String(upload.form!.get("metadata")));
    expect(metadata).toMatchObject({
      main_module: "claw_worker.py",
      compatibility_flags: ["python_workers"],
    });
    const names = python.modules.map((module) => module.name);
    expect(names).toEqual(["claw_worker.py", "claw_entry.py", "handler.py"]);
    for (const name of names) expect((upload.form!.get(name) as Blob).type).toBe("text/x-python");
    expect(await (upload.form!.get("claw_worker.py") as Blob).text()).toContain('CREATOR_MODULE = "handler"');
  });

  it("uploads packages vendored from requirements.txt as python_modules/… modules of the same worker", async () => {
    const { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { loadApiFolder } = await import("../../core/manifest/load.ts");
    const { buildApi } = await import("../../core/build/build-api.ts");
    const { makeWheel } = await import("../../core/build/wheel-fixture.ts");
    const { REPO_ROOT } = await import("../testing/program-fixture.ts");
    const root = mkdtempSync(join(tmpdir(), "402claw-vendored-"));
    try {
      const dir = join(root, "stacks/dev/apis/text-stats");
      cpSync(join(REPO_ROOT, "stacks/dev/apis/text-stats"), dir, { recursive: true });
      writeFileSync(join(dir, "requirements.txt"), "tinyslug==1.0\n");
      mkdirSync(join(dir, "wheels"));
      writeFileSync(
        join(dir, "wheels/tinyslug-1.0-py3-none-any.whl"),
        makeWheel("tinyslug", "1.0", { "tinyslug/__init__.py": "VERSION = '1.0'\n" }),
      );
      const loaded = loadApiFolder(root, dir);
      if (Array.isArray(loaded)) throw loaded[0];
      const python = await buildApi(loaded);
      const requests = install();
      await provider({ ...toolchain, buildApiFolder: async () => python }).create!({
        ...inputs,
        slug: "text-stats",
        apiDir: "stacks/dev/apis/text-stats",
        kind: "function",
        contentHash: python.contentHash,
      });
      const upload = requests.find((request) => request.path.endsWith("/scripts/text-stats"))!;
      const vendored = upload.form!.get("python_modules/tinyslug/__init__.py") as Blob;
      expect(vendored.type).toBe("text/x-python");
      expect(await vendored.text()).toBe("VERSION = '1.0'\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
