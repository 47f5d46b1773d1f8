import { pick, seededRandom } from "./prng.ts";

export const CATEGORY_COUNT = 20;
const REGIONS = ["north", "south", "east", "west", "central", "overseas"];
const WORDS = ["red", "blue", "swift", "quiet", "iron", "paper", "solar", "lunar", "amber", "cedar"];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2020, 0, 1);

/**
 * A deterministic CSV with one column of each stored type (number, string, boolean, date) and
 * the low-cardinality columns a marketplace table has. About 1% of quantities are empty so the
 * null paths of the engine are exercised too.
 */
export function bigTableCsv(rows: number, seed = 402): string {
  const random = seededRandom(seed);
  const lines = ["id,name,category,price,quantity,in_stock,created,region"];
  for (let id = 1; id <= rows; id++) {
    const name = `${pick(random, WORDS)} ${pick(random, WORDS)} ${id}`;
    const category = `cat-${Math.floor(random() * CATEGORY_COUNT)}`;
    // Cents, 1.00–100.00: ties are common, like real prices, which exercises the stable sort.
    const price = (100 + Math.floor(random() * 9_901)) / 100;
    const quantity = random() < 0.01 ? "" : String(Math.floor(random() * 500));
    const inStock = random() < 0.7 ? "true" : "false";
    const created = new Date(FIRST_DAY + Math.floor(random() * 1_800) * DAY_MS).toISOString().slice(0, 10);
    lines.push(
      `${id},${name},${category},${price},${quantity},${inStock},${created},${pick(random, REGIONS)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
