import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** `.local/dev.json`: how any tool or standard x402 client finds and pays the local marketplace. */
export interface DevFile {
  gateway: string;
  stack: string;
  apis: Array<{
    slug: string;
    kind: string;
    price: string;
    title: string;
    url: string;
    payTo: string;
    owner: string;
  }>;
  [extra: string]: unknown;
}

/** Writes the dev file atomically enough for readers polling it (write then rename is overkill here). */
export function writeDevFile(path: string, devFile: DevFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(devFile, null, 2)}\n`);
}
