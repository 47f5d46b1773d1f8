import { describe, expect, it } from "vitest";
import { BuildError } from "../errors.ts";
import { buildDataset } from "./build-dataset.ts";

function problem(fileName: string, content: string | Uint8Array, maxBytes?: number): string {
  try {
    buildDataset(fileName, content, maxBytes === undefined ? {} : { maxBytes });
  } catch (error) {
    expect(error).toBeInstanceOf(BuildError);
    return (error as Error).message;
  }
  throw new Error("expected a BuildError");
}

describe("buildDataset from CSV", () => {
  it("infers types and stores normalised values aligned with columns", () => {
    const csv = [
      "id,zip,price,active,since,name",
      "1,02134,9.5,TRUE,2024-01-02,Ann",
      "2,10001,,false,2024-01-03T10:00:00Z,",
      '3,007,-1e2,,,"Bo, Jr."',
    ].join("\n");
    expect(buildDataset("data.csv", csv)).toEqual({
      version: 1,
      columns: [
        { name: "id", type: "number" },
        { name: "zip", type: "string" },
        { name: "price", type: "number" },
        { name: "active", type: "boolean" },
        { name: "since", type: "date" },
        { name: "name", type: "string" },
      ],
      rows: [
        [1, "02134", 9.5, true, "2024-01-02", "Ann"],
        [2, "10001", null, false, "2024-01-03T10:00:00Z", null],
        [3, "007", -100, null, null, "Bo, Jr."],
      ],
    });
  });

  it("reads bytes as UTF-8 and round-trips tricky quoted values through JSON", () => {
    const tricky = 'multi\nline, "quoted" — ünïcødé 🚀';
    const bytes = new TextEncoder().encode(`k,v\n1,"${tricky.replaceAll('"', '""')}"\n`);
    const dataset = JSON.parse(JSON.stringify(buildDataset("Data.CSV", bytes)));
    expect(dataset.rows).toEqual([[1, tricky]]);
  });

  it("rejects a UTF-8 BOM as text or bytes, with a fix", () => {
    expect(problem("data.csv", "\uFEFFa,b\n1,2\n")).toMatch(
      /byte order mark.*Fix: save it as UTF-8 without BOM/,
    );
    expect(problem("data.csv", new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0x31]))).toMatch(
      /byte order mark/,
    );
  });

  it("rejects empty files, invalid UTF-8, oversize files and unknown extensions", () => {
    expect(problem("data.csv", "")).toBe("data.csv: the file is empty. Fix: add a header row and data rows");
    expect(problem("data.csv", " \n\n")).toMatch(/the file is empty/);
    expect(problem("data.json", "")).toMatch(/the file is empty/);
    expect(problem("data.csv", new Uint8Array([0x61, 0xff, 0x0a]))).toMatch(/not valid UTF-8/);
    expect(problem("data.csv", new TextEncoder().encode("a,b\n"))).toMatch(/header but no data rows/);
    expect(problem("data.csv", "a\n1\n", 3)).toMatch(/4 bytes, over the 3-byte limit/);
    expect(problem("data.csv", "é\n", 2)).toMatch(/3 bytes/);
    expect(problem("data.xlsx", "a\n1\n")).toMatch(/unsupported file type/);
  });

  it("rejects bad column names and duplicates naming the column", () => {
    expect(problem("data.csv", "a,,c\n1,2,3\n")).toMatch(/column 2 has an empty name/);
    expect(problem("data.csv", "a,b,a\n1,2,3\n")).toMatch(/column 3 \("a"\) duplicates column 1/);
    expect(problem("data.csv", "a,b__c\n1,2\n")).toMatch(/"b__c".*"__"/);
  });
});

describe("invalid UTF-8 is located", () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));
  it.each([
    [
      "in a middle cell",
      bytes("a,b,c\n1,2,3\n4,x", [0xff], "y,6\n"),
      /row 3, column 2 \("b"\) \(line 3, byte 15\)/,
    ],
    ["at the end of the file", bytes("a,b\n1,x", [0xe2, 0x82]), /row 2, column 2 \("b"\)/],
    ["in the header", bytes("a,", [0xc3, 0x28], "\n1,2\n"), /row 1, column 2 \(line 1/],
    [
      "after a quoted line break",
      bytes('a,b\n1,"x\ny"\n2,', [0x80], "\n"),
      /row 3, column 2 \("b"\) \(line 4/,
    ],
    [
      "past the first 64 KiB",
      bytes(`a,b\n${"1,2\n".repeat(30_000)}3,`, [0xf0, 0x28, 0x8c, 0x28], "\n"),
      /row 30002, column 2/,
    ],
  ])("%s", (_label, content, where) => {
    expect(problem("data.csv", content)).toMatch(where);
  });
  it("gives line and column in JSON", () => {
    expect(problem("data.json", bytes('[{"a":\n  "x', [0xff], '"}]'))).toMatch(/line 2, column 5/);
  });
});

describe("buildDataset from JSON", () => {
  it("infers over the string form; JSON numbers and booleans keep their type", () => {
    const json = JSON.stringify([
      { id: 1, score: "2.5", ok: true, when: "2024-05-01", mixed: 1, code: "007" },
      { id: 2, score: 3, ok: "FALSE", when: null, mixed: "n/a" },
    ]);
    expect(buildDataset("data.json", json)).toEqual({
      version: 1,
      columns: [
        { name: "id", type: "number" },
        { name: "score", type: "number" },
        { name: "ok", type: "boolean" },
        { name: "when", type: "date" },
        { name: "mixed", type: "string" },
        { name: "code", type: "string" },
      ],
      rows: [
        [1, 2.5, true, "2024-05-01", "1", "007"],
        [2, 3, false, null, "n/a", null],
      ],
    });
  });

  it("rejects a key containing __", () => {
    expect(problem("data.json", '[{"a__gt":1}]')).toMatch(/column 1 \("a__gt"\) contains "__"/);
  });
});
