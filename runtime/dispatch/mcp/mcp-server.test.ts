import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiRecord } from "../api-record.ts";
import { testApiRecord } from "../test-api-record.ts";
import { handleMcpRequest, type McpContext, TOOLS_PER_PAGE } from "./mcp-server.ts";

const api = (slug: string): ApiRecord => testApiRecord({ slug, description: "A function." });

let client: Client | undefined;
afterEach(async () => client?.close());

/** The official client talking to the handler directly (its fetch is the handler). */
async function connect(apis: ApiRecord[]): Promise<Client> {
  const context: McpContext = {
    name: "test",
    version: "1.0.0",
    origin: "https://m.example",
    listApis: async () => apis,
    callApi: async () => {
      throw new Error("no API call expected");
    },
    maxBodyBytes: 1024 * 1024,
  };
  client = new Client({ name: "unit", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("https://m.example/mcp"), {
      fetch: (url, init) => handleMcpRequest(new Request(url, init), context),
    }),
  );
  return client;
}

describe("tools/list pages", () => {
  it("pages a large catalog with cursors, every tool once", async () => {
    const apis = Array.from({ length: 250 }, (_, i) => api(`api-${String(i).padStart(3, "0")}`));
    const mcp = await connect(apis);
    const first = await mcp.listTools();
    expect(first.tools).toHaveLength(TOOLS_PER_PAGE);
    expect(first.nextCursor).toBe("100");
    const second = await mcp.listTools({ cursor: first.nextCursor });
    const third = await mcp.listTools({ cursor: second.nextCursor });
    expect(third.tools).toHaveLength(50);
    expect(third.nextCursor).toBeUndefined();
    const names = [...first.tools, ...second.tools, ...third.tools].map((tool) => tool.name);
    expect(names).toEqual(apis.map((a) => a.slug));
  });

  it("refuses a cursor it did not give out", async () => {
    const mcp = await connect([api("one")]);
    await expect(mcp.listTools({ cursor: "-1" })).rejects.toThrow(/invalid cursor/);
  });
});

describe("tool prices", () => {
  it("says how a usage-priced API charges: per returned row, at most its price", async () => {
    const perRow: ApiRecord = {
      ...api("rows"),
      kind: "data",
      priceUsd: "$0.01",
      priceAtomic: "10000",
      pricing: { unit: "row", perRowAtomic: "100" },
    };
    const mcp = await connect([api("fixed"), perRow]);
    const { tools } = await mcp.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get("fixed")?.description).toContain("Paid: $0.001 per call with x402");
    expect(byName.get("rows")?.description).toContain("$0.0001 per returned row, at most $0.01 per call");
    expect(byName.get("rows")?._meta?.["x402/pricing"]).toEqual({
      mode: "range",
      maxPrice: "$0.01",
      minPrice: "$0.00",
      pricePerRow: "$0.0001",
    });
  });
});
