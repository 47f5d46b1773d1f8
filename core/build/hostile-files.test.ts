import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../local/paths.ts";
import { BuildError, ManifestError } from "../errors.ts";
import { loadStackApis } from "../manifest/load.ts";
import { buildApi } from "./build-api.ts";
import type { BuiltApi } from "./types.ts";

/**
 * The adversarial corpus of creator files and data: every hostile upload is either refused with a
 * typed error naming the file, the place (field, row, column) and the fix, or accepted with the
 * behaviour the README documents. Each goes through the same load + build as `402claw validate`,
 * the local stack and the Pulumi provider. None may crash (an untyped error) or stall (time out).
 */

const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const SECRET = "hunter2-runner-secret";
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

interface Folder {
  root: string;
  /** The API folder, stacks/dev/apis/hostile. */
  dir: string;
  /** A file outside the repository, as a CI runner's secret would be. */
  outside: string;
}

type Expectation = { refused: RegExp[] } | { accepted: (built: BuiltApi) => void };

interface Case {
  name: string;
  manifest?: Record<string, string>;
  setup: (folder: Folder) => void;
  expect: Expectation;
}

const write = (folder: Folder, name: string, content: string | Uint8Array) =>
  writeFileSync(join(folder.dir, name), content);
const csv = (header: string[], rows: string[][]) => [header, ...rows].map((row) => row.join(",")).join("\n");
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));
const rowsOf = (built: BuiltApi) => (JSON.parse(built.data!.body) as { rows: unknown[][] }).rows;

const CASES: Case[] = [
  // Files that would reach outside the API folder.
  {
    name: "source that is a symlink to a file outside the repository",
    setup: (f) => symlinkSync(f.outside, join(f.dir, "data.csv")),
    expect: { refused: [/api\.yaml: source: "data\.csv" is a symbolic link, which is never followed/] },
  },
  {
    name: "source that is a symlink to another file inside the folder",
    setup: (f) => {
      write(f, "real.csv", "a\n1\n");
      symlinkSync(join(f.dir, "real.csv"), join(f.dir, "data.csv"));
    },
    expect: { refused: [/source: "data\.csv" is a symbolic link/] },
  },
  {
    name: "source under a symlinked sub-folder",
    manifest: { source: "sub/data.csv" },
    setup: (f) => symlinkSync(join(f.outside, ".."), join(f.dir, "sub")),
    expect: { refused: [/source: "sub\/data\.csv" passes through "sub", a symbolic link/] },
  },
  {
    name: "the API folder itself is a symlink",
    setup: (f) => {
      const elsewhere = join(f.root, "elsewhere");
      mkdirSync(elsewhere);
      rmSync(f.dir, { recursive: true });
      symlinkSync(elsewhere, f.dir);
      writeFileSync(join(elsewhere, "data.csv"), "a\n1\n");
    },
    expect: { refused: [/stacks\/dev\/apis\/hostile: \(folder\): is a symbolic link/] },
  },
  {
    name: "api.yaml that is a symlink",
    setup: (f) => {
      write(f, "data.csv", "a\n1\n");
      const real = join(f.root, "real-api.yaml");
      writeFileSync(
        real,
        `slug: hostile\ntitle: T\ndescription: D\nowner: "${OWNER}"\nprice: "$0.001"\nkind: data\nsource: data.csv\n`,
      );
      rmSync(join(f.dir, "api.yaml"));
      symlinkSync(real, join(f.dir, "api.yaml"));
    },
    expect: { refused: [/api\.yaml: \(file\): is a symbolic link/] },
  },
  {
    name: "../ source path",
    manifest: { source: "../../../../outside/secret.csv" },
    setup: () => {},
    expect: { refused: [/source: must be a path inside the API folder/] },
  },
  {
    name: "absolute source path",
    manifest: { source: "/etc/hostname.csv" },
    setup: () => {},
    expect: { refused: [/source: must be a path inside the API folder/] },
  },
  {
    name: "source that is a folder",
    setup: (f) => mkdirSync(join(f.dir, "data.csv")),
    expect: { refused: [/source: "data\.csv" is not a regular file/] },
  },
  {
    name: "source that is a FIFO (would block a naive read forever)",
    setup: (f) => execFileSync("mkfifo", [join(f.dir, "data.csv")]),
    expect: { refused: [/source: "data\.csv" is not a regular file/] },
  },
  {
    name: "function importing a file outside the API folder",
    manifest: { kind: "function", source: "handler.ts" },
    setup: (f) => {
      const target = join(f.root, "secret.json");
      writeFileSync(target, JSON.stringify({ secret: SECRET }));
      write(f, "handler.ts", `import s from "../../../../secret.json";\nexport default () => s;\n`);
    },
    expect: {
      refused: [
        /handler\.ts: cannot be bundled: imports "\.\.\/\.\.\/\.\.\/\.\.\/secret\.json", which resolves outside/,
      ],
    },
  },
  {
    name: "function importing a symlink inside its folder that leads outside",
    manifest: { kind: "function", source: "handler.ts" },
    setup: (f) => {
      const target = join(f.root, "secret.json");
      writeFileSync(target, JSON.stringify({ secret: SECRET }));
      symlinkSync(target, join(f.dir, "config.json"));
      write(f, "handler.ts", `import c from "./config.json";\nexport default () => c;\n`);
    },
    expect: {
      refused: [/handler\.ts: cannot be bundled: imports "\.\/config\.json", which is a symbolic link/],
    },
  },
  {
    name: "function importing a package and a sibling file (accepted: packages come from node_modules)",
    manifest: { kind: "function", source: "handler.ts" },
    setup: (f) => {
      // As in a checkout: the repository's node_modules sits above stacks/.
      symlinkSync(join(REPO_ROOT, "node_modules"), join(f.root, "node_modules"));
      write(f, "greeting.ts", 'export const greeting = "hi";\n');
      write(
        f,
        "handler.ts",
        'import { Hono } from "hono";\nimport { greeting } from "./greeting.ts";\nexport default () => ({ greeting, app: typeof Hono });\n',
      );
    },
    expect: { accepted: (built) => expect(built.modules[0]!.content).toContain('"hi"') },
  },
  {
    name: "function bundling an 11 MB file from its own folder",
    manifest: { kind: "function", source: "handler.ts" },
    setup: (f) => {
      write(f, "big.txt", "z".repeat(11 * 1024 * 1024));
      write(f, "handler.ts", 'import big from "./big.txt";\nexport default () => big.length;\n');
    },
    expect: { refused: [/handler\.ts: bundles to \d+ bytes, over the 10485760-byte limit/] },
  },
  {
    name: "api.yaml over 64 KiB",
    setup: (f) => {
      write(f, "data.csv", "a\n1\n");
      writeFileSync(join(f.dir, "api.yaml"), `# ${"x".repeat(70_000)}\n`);
    },
    expect: { refused: [/api\.yaml: \(file\): is \d+ bytes, over the 65536-byte limit/] },
  },
  {
    name: "example longer than 300 characters (echoed in every 402)",
    manifest: { example: `"?filter_a=${"x".repeat(400)}"` },
    setup: (f) => write(f, "data.csv", "a\n1\n"),
    expect: { refused: [/api\.yaml: example: .*300/] },
  },
  // Sizes.
  {
    name: "one 3 MB cell",
    setup: (f) => write(f, "data.csv", `id,blob\n1,${"x".repeat(3 * 1024 * 1024)}\n`),
    expect: {
      refused: [
        /data\.csv: row 2, column 2 \("blob"\): the value is 3145728 bytes, over the 65536-byte cell limit/,
      ],
    },
  },
  {
    name: "10,001 columns",
    setup: (f) =>
      write(
        f,
        "data.csv",
        csv(
          Array.from({ length: 10_001 }, (_, i) => `c${i}`),
          [["1"]],
        ),
      ),
    expect: { refused: [/data\.csv: 10001 columns, over the 10000-column limit/] },
  },
  {
    name: "1,000,001 data rows",
    setup: (f) => write(f, "data.csv", `n\n${"1\n".repeat(1_000_001)}`),
    expect: { refused: [/data\.csv: more than 1000000 data rows/] },
  },
  {
    name: "a 51 MB file (refused before it is read)",
    setup: (f) => {
      write(f, "data.csv", "");
      truncateSync(join(f.dir, "data.csv"), 51 * 1024 * 1024);
    },
    expect: { refused: [/data\.csv: is 53477376 bytes, over the 52428800-byte limit/] },
  },
  // Encodings and bytes.
  {
    name: "NUL byte in a value",
    setup: (f) => write(f, "data.csv", "id,name\n1,ok\n2,bad\0value\n"),
    expect: { refused: [/row 3, column 2 \("name"\): the value contains a NUL character/] },
  },
  {
    name: "UTF-16 file (NULs in the header)",
    setup: (f) => write(f, "data.csv", Buffer.from("id,name\n1,a\n", "utf16le")),
    expect: { refused: [/column 1 \(.*\) contains a control character/, /UTF-16/] },
  },
  {
    name: "invalid UTF-8 in a CSV cell",
    setup: (f) => write(f, "data.csv", bytes("id,name,city\n1,Ann,Oslo\n2,B", [0xff, 0xfe], "b,Rome\n")),
    expect: { refused: [/not valid UTF-8 text: row 3, column 2 \("name"\) \(line 3, byte \d+\)/] },
  },
  {
    name: "invalid UTF-8 in a JSON file",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", bytes('[{"a": 1},\n {"a": "x', [0xc3, 0x28], '"}]')),
    expect: { refused: [/data\.json: the file is not valid UTF-8 text: line 2, column \d+/] },
  },
  {
    name: "UTF-8 byte order mark",
    setup: (f) => write(f, "data.csv", bytes([0xef, 0xbb, 0xbf], "a\n1\n")),
    expect: { refused: [/byte order mark/] },
  },
  // Structure.
  {
    name: "headers that differ only by case",
    setup: (f) => write(f, "data.csv", "id,Name,NAME\n1,a,b\n"),
    expect: { refused: [/column 3 \("NAME"\) differs from column 2 \("Name"\) only by letter case/] },
  },
  {
    name: "header with a line break inside a quoted name",
    setup: (f) => write(f, "data.csv", 'id,"na\nme"\n1,a\n'),
    expect: { refused: [/column 2 \("na\\nme"\) contains a control character/] },
  },
  {
    name: "header-only file (would be charged as an always-empty table)",
    setup: (f) => write(f, "data.csv", "id,name\n"),
    expect: { refused: [/data\.csv: the file has a header but no data rows/] },
  },
  {
    name: "empty file",
    setup: (f) => write(f, "data.csv", ""),
    expect: { refused: [/data\.csv: the file is empty/] },
  },
  {
    name: "mixed CRLF, LF and CR line endings (accepted: every one is a row break)",
    setup: (f) => write(f, "data.csv", 'id,note\r\n1,"a\r\nb"\n2,x\r3,y\r\n'),
    expect: {
      accepted: (built) =>
        expect(rowsOf(built)).toEqual([
          [1, "a\nb"],
          [2, "x"],
          [3, "y"],
        ]),
    },
  },
  {
    name: "ragged row",
    setup: (f) => write(f, "data.csv", "id,name,price\n1,a,2\n2,b\n"),
    expect: { refused: [/row 3 has 2 fields but the header has 3; row ends after column 2 \("name"\)/] },
  },
  {
    name: "unterminated quote",
    setup: (f) => write(f, "data.csv", 'id,note\n1,ok\n2,"never closed\n3,x\n'),
    expect: { refused: [/row 3 \(line 3\): quoted field unterminated/] },
  },
  {
    name: "JSON that is an object, not an array",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", '{"rows": [{"a": 1}]}'),
    expect: { refused: [/data\.json: the top level is not an array/] },
  },
  {
    name: "JSON array of numbers",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", "[1, 2, 3]"),
    expect: { refused: [/data\.json: row 1 is a number, not an object/] },
  },
  {
    name: "JSON with a nested object",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", '[{"a": 1}, {"a": 2, "meta": {"x": 1}}]'),
    expect: { refused: [/row 2 field "meta" is a nested object/] },
  },
  {
    name: "deeply nested JSON (100,000 levels)",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", `[{"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}]`),
    expect: { refused: [/row 1 field "a" is a nested array/] },
  },
  {
    name: "huge JSON string value",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", JSON.stringify([{ id: 1 }, { id: 2, text: "y".repeat(3_000_000) }])),
    expect: { refused: [/data\.json: row 2 field "text": the value is 3000000 bytes/] },
  },
  {
    name: "JSON rows without fields",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", "[{}, {}]"),
    expect: { refused: [/data\.json: the rows have no fields/] },
  },
  {
    name: "JSON with 10,001 distinct keys",
    manifest: { source: "data.json" },
    setup: (f) =>
      write(f, "data.json", JSON.stringify(Array.from({ length: 10_001 }, (_, i) => ({ [`k${i}`]: i })))),
    expect: { refused: [/data\.json: 10001 columns, over the 10000-column limit/] },
  },
  {
    name: "JSON key that names an operator (__proto__)",
    manifest: { source: "data.json" },
    setup: (f) => write(f, "data.json", '[{"id": 1, "__proto__": "x"}]'),
    expect: { refused: [/column 2 \("__proto__"\) contains "__"/] },
  },
  {
    name: "10,000 columns (accepted: at the limit)",
    setup: (f) =>
      write(
        f,
        "data.csv",
        csv(
          Array.from({ length: 10_000 }, (_, i) => `c${i}`),
          [Array(10_000).fill("1")],
        ),
      ),
    expect: {
      accepted: (built) => {
        expect(built.data!.columns).toHaveLength(10_000);
        // Only a bounded prefix reaches the catalog's metadata.
        expect(Object.keys(built.data!.sample!)).toHaveLength(100);
      },
    },
  },
];

function makeFolder(manifest: Record<string, string>): Folder {
  const root = mkdtempSync(join(tmpdir(), "402claw-hostile-"));
  roots.push(root);
  const outsideDir = join(root, "outside");
  mkdirSync(outsideDir);
  const outside = join(outsideDir, "secret.csv");
  writeFileSync(outside, `token,value\n${SECRET},1\n`);
  const dir = join(root, "stacks", "dev", "apis", "hostile");
  mkdirSync(dir, { recursive: true });
  const fields = {
    slug: "hostile",
    title: "Hostile",
    description: "A hostile upload.",
    owner: `"${OWNER}"`,
    price: '"$0.001"',
    kind: "data",
    source: "data.csv",
    ...manifest,
  };
  writeFileSync(
    join(dir, "api.yaml"),
    Object.entries(fields)
      .map(([key, value]) => `${key}: ${value}`)
      .join("\n"),
  );
  return { root, dir, outside };
}

/** What `402claw validate` does for this stack, keeping the typed errors. */
async function attempt(root: string): Promise<{ built?: BuiltApi; errors: Error[] }> {
  const { apis, errors } = loadStackApis(root, "dev");
  if (errors.length > 0) return { errors };
  try {
    return { built: await buildApi(apis[0]!), errors: [] };
  } catch (error) {
    return { errors: [error as Error] };
  }
}

describe("hostile creator files and data", () => {
  it("has at least 30 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const folder = makeFolder(c.manifest ?? {});
    c.setup(folder);
    const { built, errors } = await attempt(folder.root);
    if ("accepted" in c.expect) {
      expect(errors.map((error) => error.message)).toEqual([]);
      c.expect.accepted(built!);
      return;
    }
    expect(built).toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    const [error] = errors;
    // A typed error is a clear one: never a crash of the builder itself.
    expect(error instanceof ManifestError || error instanceof BuildError).toBe(true);
    const message = error!.message;
    expect(message).toContain("stacks/dev/apis/hostile");
    expect(message).toMatch(/\. Fix: \S/);
    expect(message).not.toContain(SECRET);
    for (const pattern of c.expect.refused) expect(message).toMatch(pattern);
  });
});
