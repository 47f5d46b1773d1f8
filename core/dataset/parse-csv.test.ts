import { describe, expect, it } from "vitest";
import { BuildError } from "../errors.ts";
import { parseCsv } from "./parse-csv.ts";

function problem(text: string): string {
  try {
    parseCsv("data.csv", text);
  } catch (error) {
    expect(error).toBeInstanceOf(BuildError);
    return (error as Error).message;
  }
  throw new Error("expected a BuildError");
}

describe("parseCsv", () => {
  it("returns quoted newlines, commas, doubled quotes and unicode exactly", () => {
    const values = ["line one\nline two", "a, b, c", 'he said "hi"', "naïve 日本語 🚀", "crlf\r\ninside"];
    const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
    const text = `${["c1", "c2", "c3", "c4", "c5"].join(",")}\r\n${values.map(quote).join(",")}\r\n`;
    const table = parseCsv("data.csv", text);
    expect(table.header).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    // Line breaks are normalised to LF everywhere, inside quoted values too.
    expect(table.records).toEqual([values.map((value) => value.replaceAll("\r\n", "\n"))]);
  });

  it("turns empty cells into null and ignores trailing blank lines", () => {
    const table = parseCsv("data.csv", 'a,b,c\n1,,""\n\n\n');
    expect(table.records).toEqual([["1", null, null]]);
  });

  it("keeps a blank line inside a one-column file as an empty cell", () => {
    expect(parseCsv("data.csv", "a\n1\n\n2\n").records).toEqual([["1"], [null], ["2"]]);
  });

  it("accepts a header with no rows", () => {
    expect(parseCsv("data.csv", "a,b\n")).toEqual({ header: ["a", "b"], records: [], firstRecordRow: 2 });
  });

  it("rejects a missing header", () => {
    expect(problem("\n1,2\n")).toMatch(/^data\.csv: row 1: no header row\. Fix: /);
  });

  it("rejects ragged rows naming row and column", () => {
    expect(problem("id,name,price\n1,a,2\n2,b\n")).toMatch(
      /row 3 has 2 fields but the header has 3; row ends after column 2 \("name"\)/,
    );
    expect(problem("id,name\n1,a\n2,b,extra\n")).toMatch(
      /row 3 has 3 fields .* unexpected field at column 3/,
    );
    expect(problem("id,name\n1,a\n\n2,b\n")).toMatch(/row 3 is an empty line/);
  });

  it("counts rows as records, so a quoted newline does not shift later row numbers", () => {
    expect(problem('id,note\n1,"two\nlines"\n2\n')).toMatch(/row 3 has 1 fields/);
  });

  it("rejects unterminated quotes with row and line", () => {
    expect(problem('id,note\n1,ok\n2,"never closed\n3,x\n')).toMatch(
      /row 3 \(line 3\): quoted field unterminated/,
    );
  });

  it("reads mixed CRLF, LF and CR line endings as row breaks", () => {
    expect(parseCsv("data.csv", "a,b\r\n1,2\n3,4\r5,6\r\n").records).toEqual([
      ["1", "2"],
      ["3", "4"],
      ["5", "6"],
    ]);
  });

  it("refuses a too-wide header before splitting it, and an oversized cell by row and column", () => {
    expect(problem(`${"c,".repeat(10_000)}c\n`)).toMatch(/10001 columns, over the 10000-column limit/);
    expect(problem(`a,b\n1,${"x".repeat(70_000)}\n`)).toMatch(
      /row 2, column 2 \("b"\): the value is 70000 bytes/,
    );
  });
});
