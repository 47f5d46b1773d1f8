import { describe, expect, it } from "vitest";
import { BuildError } from "../errors.ts";
import { parseJson } from "./parse-json.ts";

function problem(text: string): string {
  try {
    parseJson("data.json", text);
  } catch (error) {
    expect(error).toBeInstanceOf(BuildError);
    return (error as Error).message;
  }
  throw new Error("expected a BuildError");
}

describe("parseJson", () => {
  it("unions keys in first-seen order and fills missing keys with null", () => {
    const table = parseJson("data.json", JSON.stringify([{ a: 1, b: "x" }, { c: true, a: 2 }, { b: "" }]));
    expect(table.header).toEqual(["a", "b", "c"]);
    expect(table.records).toEqual([
      [1, "x", null],
      [2, null, true],
      [null, null, null],
    ]);
  });

  it("rejects nested values naming row and field", () => {
    expect(problem('[{"a":1},{"a":2,"tags":["x"]}]')).toMatch(/row 2 field "tags" is a nested array/);
    expect(problem('[{"a":{"b":1}}]')).toMatch(/row 1 field "a" is a nested object/);
  });

  it("rejects non-object rows, empty arrays, non-arrays and bad JSON", () => {
    expect(problem('[{"a":1}, 5]')).toMatch(/row 2 is a number, not an object/);
    expect(problem('[{"a":1}, null]')).toMatch(/row 2 is null/);
    expect(problem("[[1,2]]")).toMatch(/row 1 is an array/);
    expect(problem("[]")).toMatch(/the array is empty/);
    expect(problem('{"data":[{"a":1}]}')).toMatch(/top level is not an array/);
    expect(problem("[{")).toMatch(/not valid JSON/);
  });
});
