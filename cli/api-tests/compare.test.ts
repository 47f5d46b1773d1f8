import { describe, expect, it } from "vitest";
import { compareResponse, jsonDiff } from "./compare.ts";

const response = (status: number, text: string, headers: Record<string, string> = {}) => ({
  status,
  text,
  headers: new Headers(headers),
});

describe("comparing a response with a test case", () => {
  it("passes a matching response; extra JSON fields are fine", () => {
    expect(
      compareResponse(
        { status: 200, headers: { "Content-Type": "json" }, json: { a: 1, b: { c: [1, 2] } } },
        response(200, '{"a":1,"b":{"c":[1,2],"d":3},"e":4}', { "content-type": "application/json" }),
      ),
    ).toEqual([]);
  });

  it("names every difference with its path", () => {
    expect(
      compareResponse(
        { status: 200, json: { rate: 0.92, items: [{ id: 1 }], name: "x" } },
        response(404, '{"rate":0.9215,"items":[{"id":2}]}'),
      ),
    ).toEqual([
      "status: expected 200, got 404",
      "body.rate: expected 0.92, got 0.9215",
      "body.items[0].id: expected 1, got 2",
      'body.name: missing (expected "x")',
    ]);
  });

  it("checks text, contains, headers and non-JSON bodies", () => {
    expect(
      compareResponse(
        { text: "hi", contains: "zz", headers: { "x-a": "1" }, json: {} },
        response(200, "hello"),
      ),
    ).toEqual([
      'header x-a: expected to contain "1", got null',
      'body: expected "hi", got "hello"',
      'body: expected to contain "zz", got "hello"',
      'body: expected JSON, got "hello"',
    ]);
    expect(jsonDiff([1], [1, 2], "body")).toEqual(["body: expected 1 items, got 2"]);
  });
});
