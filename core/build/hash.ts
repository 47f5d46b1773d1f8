import { createHash } from "node:crypto";

/** Hex sha256 over the given parts, each length-prefixed so boundaries cannot shift. */
export function contentHash(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:`).update(part);
  return hash.digest("hex");
}
