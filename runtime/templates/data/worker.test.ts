import { describe, expect, it, vi } from "vitest";
import type { NormalisedDataset } from "./dataset.ts";
import worker, { createDataHandler, type DataBucket, type DataEnv } from "./worker.ts";

const dataset: NormalisedDataset = {
  version: 1,
  columns: [
    { name: "id", type: "number" },
    { name: "name", type: "string" },
  ],
  rows: [
    [1, "b"],
    [2, "a"],
    [3, null],
  ],
};

// Storage test double only: the lead runs this worker against real R2 bindings in workerd.
function bucket(objects: Record<string, unknown>): DataBucket & { get: ReturnType<typeof vi.fn> } {
  return {
    get: vi.fn(async (key: string) => (key in objects ? new Response(JSON.stringify(objects[key])) : null)),
  };
}

function env(data: DataBucket, key = "apis/demo/dataset.json"): DataEnv {
  return { DATA: data, DATA_KEY: key };
}

const get = (path: string, method = "GET") => new Request(`https://api.example${path}`, { method });

describe("data worker", () => {
  it("answers GET / with query results as JSON", async () => {
    const handle = createDataHandler();
    const response = await handle(
      get("/?sort=name&fields=name,id&limit=2"),
      env(bucket({ "apis/demo/dataset.json": dataset })),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      data: [
        { name: "a", id: 2 },
        { name: "b", id: 1 },
      ],
      pagination: { page: 1, limit: 2, total: 3 },
    });
  });

  it("tells the gateway how many rows it returned (a page, not the total), for APIs priced per row", async () => {
    const handle = createDataHandler();
    const data = env(bucket({ "apis/demo/dataset.json": dataset }));
    expect((await handle(get("/?limit=2"), data)).headers.get("x-402claw-rows")).toBe("2");
    expect((await handle(get("/?filter_id__gt=5"), data)).headers.get("x-402claw-rows")).toBe("0");
    expect((await handle(get("/schema"), data)).headers.get("x-402claw-rows")).toBe("0");
  });

  it("answers GET /schema with columns and row count", async () => {
    const handle = createDataHandler();
    const response = await handle(get("/schema"), env(bucket({ "apis/demo/dataset.json": dataset })));
    expect(await response.json()).toEqual({ columns: dataset.columns, rows: 3 });
  });

  it("loads the dataset once per key, sharing the load between concurrent requests", async () => {
    const handle = createDataHandler();
    const data = bucket({ "apis/demo/dataset.json": dataset, other: { ...dataset, rows: [] } });
    await Promise.all([handle(get("/"), env(data)), handle(get("/schema"), env(data))]);
    await handle(get("/?filter_id=1"), env(data));
    expect(data.get).toHaveBeenCalledTimes(1);
    const other = await handle(get("/schema"), env(data, "other"));
    expect(await other.json()).toMatchObject({ rows: 0 });
    expect(data.get).toHaveBeenCalledTimes(2);
  });

  it("forgets a failed load so the next request retries", async () => {
    const handle = createDataHandler();
    const data = bucket({});
    const missing = await handle(get("/"), env(data));
    expect(missing.status).toBe(500);
    expect(await missing.json()).toEqual({ error: { code: "dataset_missing", message: expect.any(String) } });
    data.get.mockImplementationOnce(async () => {
      throw new Error("network");
    });
    vi.spyOn(console, "error").mockImplementationOnce(() => {});
    expect((await handle(get("/"), env(data))).status).toBe(500);
    data.get.mockImplementation(async () => new Response(JSON.stringify(dataset)));
    expect((await handle(get("/"), env(data))).status).toBe(200);
    expect(data.get).toHaveBeenCalledTimes(3);
  });

  it("rejects a stored object that is not a normalised dataset", async () => {
    const handle = createDataHandler();
    const response = await handle(get("/"), env(bucket({ "apis/demo/dataset.json": [{ id: 1 }] })));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "dataset_invalid" } });
  });

  it("turns query errors into 400 JSON naming the problem", async () => {
    const handle = createDataHandler();
    const response = await handle(get("/?filter_nope=1"), env(bucket({ "apis/demo/dataset.json": dataset })));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: { code: "unknown_field", message: expect.stringContaining('unknown field "nope"') },
    });
  });

  it("answers 404 for other paths and 405 for other methods", async () => {
    const handle = createDataHandler();
    const data = bucket({ "apis/demo/dataset.json": dataset });
    const notFound = await handle(get("/rows"), env(data));
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({
      error: { code: "not_found", message: expect.stringContaining("/rows") },
    });
    const notAllowed = await handle(get("/", "POST"), env(data));
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get("allow")).toBe("GET, HEAD");
    expect(await notAllowed.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    expect(data.get).not.toHaveBeenCalled();
  });

  it("answers HEAD like GET without a body, and accepts a trailing slash", async () => {
    const handle = createDataHandler();
    const response = await handle(
      get("/schema/", "HEAD"),
      env(bucket({ "apis/demo/dataset.json": dataset })),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.text()).toBe("");
  });

  it("exposes the handler as a module worker's fetch", async () => {
    const response = await worker.fetch(get("/schema"), env(bucket({ "apis/demo/dataset.json": dataset })));
    expect(await response.json()).toMatchObject({ rows: 3 });
  });
});
