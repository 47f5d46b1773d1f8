import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrationHash, readMigrations } from "./read-migrations.ts";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "claw-migrations-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("readMigrations", () => {
  it("orders by leading number (10 after 2), hashes text, ignores non-sql files", () => {
    const dir = folder({ "0010_ten.sql": "SELECT 10;", "0002_two.sql": "SELECT 2;", "README.md": "x" });
    const migrations = readMigrations(dir);
    expect(migrations.map((m) => m.name)).toEqual(["0002_two.sql", "0010_ten.sql"]);
    expect(migrations[0]!.hash).toBe(migrationHash("SELECT 2;"));
  });

  it("hashes CRLF and LF checkouts alike", () => {
    expect(migrationHash("A;\r\nB;\r\n")).toBe(migrationHash("A;\nB;\n"));
  });

  it("refuses names wrangler would not order and duplicate numbers", () => {
    expect(() => readMigrations(folder({ "init.sql": "" }))).toThrow(/init.sql is not NNNN_name.sql/);
    expect(() => readMigrations(folder({ "0001_a.sql": "", "0001_b.sql": "" }))).toThrow(/share number 1/);
  });

  it("reads the platform's own migrations folder", () => {
    const migrations = readMigrations(join(import.meta.dirname, "../../runtime/migrations"));
    expect(migrations[0]?.name).toBe("0001_init.sql");
  });
});
