import { describe, expect, it } from "vitest";
import { BuildError } from "../errors.ts";
import { checkColumnNames } from "./column-names.ts";

function problem(names: string[]): string {
  try {
    checkColumnNames("data.csv", names);
  } catch (error) {
    expect(error).toBeInstanceOf(BuildError);
    return (error as Error).message;
  }
  throw new Error("expected a BuildError");
}

describe("checkColumnNames", () => {
  it("accepts friendly names, including spaces inside and unicode", () => {
    expect(() => checkColumnNames("data.csv", ["id", "unit price", "café", "_x", "a_"])).not.toThrow();
  });
  it("names the column for each problem", () => {
    expect(problem(["a", ""])).toMatch(/column 2 has an empty name/);
    expect(problem(["a", " b"])).toMatch(/column 2 \(" b"\) has leading or trailing spaces/);
    expect(problem(["x".repeat(65)])).toMatch(/column 1 .* longer than 64/);
    expect(problem(["a,b"])).toMatch(/column 1 \("a,b"\)/);
    expect(problem(["a=b"])).toMatch(/contains/);
    expect(problem(["a&b"])).toMatch(/contains/);
    expect(problem(["ok", "price__usd"])).toMatch(
      /column 2 \("price__usd"\) contains "__".*Fix: use a single "_"/,
    );
    expect(problem(["id", "name", "id"])).toMatch(/column 3 \("id"\) duplicates column 1/);
    expect(problem(["id", "ID"])).toMatch(
      /column 2 \("ID"\) differs from column 1 \("id"\) only by letter case/,
    );
    expect(problem(["a", "b\u0000"])).toMatch(/column 2 \("b\\u0000"\) contains a control character/);
  });
});
