import { describe, expect, it } from "vitest";
import { inferColumnType, normaliseCell } from "./infer-types.ts";

describe("inferColumnType", () => {
  it("infers each type over non-empty cells", () => {
    expect(inferColumnType(["1", null, "-2.5", "1e3", "0"])).toBe("number");
    expect(inferColumnType(["true", "FALSE", null])).toBe("boolean");
    expect(inferColumnType(["2024-01-01", "2024-01-02T03:04:05Z", null])).toBe("date");
    expect(inferColumnType(["a", "1"])).toBe("string");
  });
  it("keeps leading-zero codes as strings", () => {
    expect(inferColumnType(["02134", "10001"])).toBe("string");
    expect(inferColumnType(["007"])).toBe("string");
  });
  it("makes an all-empty column a string column", () => {
    expect(inferColumnType([null, null])).toBe("string");
    expect(inferColumnType([])).toBe("string");
  });
  it("rejects an impossible date", () => {
    expect(inferColumnType(["2024-01-01", "2023-02-30"])).toBe("string");
  });
  it("accepts JSON numbers and booleans alongside their text forms", () => {
    expect(inferColumnType([1, "2", 3.5])).toBe("number");
    expect(inferColumnType([true, "false"])).toBe("boolean");
    expect(inferColumnType([1, "abc"])).toBe("string");
    expect(inferColumnType([true, 1])).toBe("string");
  });
});

describe("normaliseCell", () => {
  it("stores each type in its normal form", () => {
    expect(normaliseCell("1e3", "number")).toBe(1000);
    expect(normaliseCell("TRUE", "boolean")).toBe(true);
    expect(normaliseCell("false", "boolean")).toBe(false);
    expect(normaliseCell("2024-01-01T00:00:00+02:00", "date")).toBe("2024-01-01T00:00:00+02:00");
    expect(normaliseCell(5, "string")).toBe("5");
    expect(normaliseCell(true, "string")).toBe("true");
    expect(normaliseCell(null, "number")).toBeNull();
  });
});
