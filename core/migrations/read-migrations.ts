import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Migration } from "./types.ts";

/** Wrangler's migration file name: a number, an underscore, a name, `.sql`. */
export const MIGRATION_FILE_PATTERN = /^(\d+)_[A-Za-z0-9_.-]+\.sql$/;

/** Reads a wrangler migrations folder, ordered by leading number as `wrangler d1 migrations` orders it. */
export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir))
    throw new Error(`migrations folder ${dir} does not exist. Fix: point at runtime/migrations`);
  const files = readdirSync(dir).filter((name) => name.endsWith(".sql"));
  const bad = files.filter((name) => !MIGRATION_FILE_PATTERN.test(name));
  if (bad.length) {
    throw new Error(
      `migration file name ${bad.join(", ")} is not NNNN_name.sql. Fix: rename it, e.g. 0002_add_index.sql`,
    );
  }
  const numbered = files.map((name) => ({ name, number: Number(MIGRATION_FILE_PATTERN.exec(name)![1]) }));
  numbered.sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
  const seen = new Map<number, string>();
  for (const { name, number } of numbered) {
    const other = seen.get(number);
    if (other)
      throw new Error(`migrations ${other} and ${name} share number ${number}. Fix: renumber the newer one`);
    seen.set(number, name);
  }
  return numbered.map(({ name }) => {
    const sql = readFileSync(join(dir, name), "utf8");
    return { name, sql, hash: migrationHash(sql) };
  });
}

/** sha256 of a migration's text with line endings normalised, so a Windows checkout hashes the same. */
export function migrationHash(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}
