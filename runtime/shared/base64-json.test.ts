import { describe, expect, it } from "vitest";
import { decodeBase64Json, encodeBase64Json } from "./base64-json.ts";

describe("base64 JSON", () => {
  it("round-trips UTF-8 and larger-than-one-chunk values, in standard base64", () => {
    const value = { text: "Zürich — 東京 🚀", long: "x".repeat(20_000) };
    const encoded = encodeBase64Json(value);
    expect(encoded).toBe(Buffer.from(JSON.stringify(value), "utf8").toString("base64"));
    expect(decodeBase64Json(encoded)).toEqual(value);
  });

  it("refuses what is not base64 of UTF-8 JSON", () => {
    expect(() => decodeBase64Json("not base64!")).toThrow();
    expect(() => decodeBase64Json(btoa("\xff\xfe"))).toThrow();
    expect(() => decodeBase64Json(btoa("{no json"))).toThrow();
  });
});
