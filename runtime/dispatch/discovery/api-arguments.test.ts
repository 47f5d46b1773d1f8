import { describe, expect, it } from "vitest";
import { testApiRecord } from "../test-api-record.ts";
import { apiArguments, requestFor } from "./api-arguments.ts";

const api = testApiRecord({
  slug: "cities",
  title: "Cities",
  description: "Cities.",
  kind: "data",
  outputSchema: {
    columns: [
      { name: "name", type: "string" },
      { name: "population", type: "number" },
      { name: "capital", type: "boolean" },
      { name: "founded", type: "date" },
    ],
    columnCount: 4,
    rows: 2,
    sample: null,
  },
});

describe("apiArguments", () => {
  it("types a data API's filters by column and offers the operators each type supports", () => {
    const { properties, additionalProperties } = apiArguments(api);
    expect(properties.filter_population).toMatchObject({ type: "number" });
    expect(properties.filter_population__gte).toMatchObject({ type: "number" });
    expect(properties.filter_name__contains).toMatchObject({ type: "string" });
    expect(properties.filter_capital).toMatchObject({ type: "boolean" });
    expect(properties).not.toHaveProperty("filter_capital__gt");
    expect(properties.filter_founded__lt).toMatchObject({ type: "string" });
    expect(properties.sort).toMatchObject({ enum: ["name", "population", "capital", "founded"] });
    // Every column is listed, so any other argument is a mistake the agent should not make.
    expect(additionalProperties).toBe(false);
  });

  it("leaves further filters open when the table is wider than the catalog row", () => {
    const wide = { ...api, outputSchema: { ...(api.outputSchema as object), columnCount: 500 } };
    const schema = apiArguments(wide);
    expect(schema.additionalProperties).toEqual({ type: "string" });
    expect(schema.description).toBe("4 of 500 columns listed; GET /cities/schema lists all");
    expect(schema.properties.sort).not.toHaveProperty("enum");
  });
});

describe("requestFor", () => {
  it("writes GET arguments as the query, scalars as text, on the configured origin", () => {
    const { url, init } = requestFor(api, "https://m.example", {
      filter_population__gt: 1e6,
      capital: true,
      x: null,
    });
    expect(url).toBe("https://m.example/cities?filter_population__gt=1000000&capital=true");
    expect(init.method).toBe("GET");
  });

  it("sends a POST function's arguments as a JSON body", () => {
    const post = { ...api, kind: "function" as const, method: "POST" as const };
    const { url, init } = requestFor(post, "https://m.example", { items: ["a", "b"] });
    expect(url).toBe("https://m.example/cities");
    expect(init).toMatchObject({ method: "POST", headers: { "content-type": "application/json" } });
    expect(JSON.parse(String(init.body))).toEqual({ items: ["a", "b"] });
  });
});
