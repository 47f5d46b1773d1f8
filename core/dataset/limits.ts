/**
 * Hard limits on a creator's data file, enforced at build (so `402claw validate`, the local stack
 * and the Pulumi provider refuse the same files). Documented in the README's "Data files" section.
 */
export const DATA_LIMITS = {
  /** The upload; the normalised table must later fit, with room, in a 128 MB isolate. */
  maxFileBytes: 50 * 1024 * 1024,
  /** Data rows (the header row is not counted). */
  maxRows: 1_000_000,
  /** Columns; wide tables still get a bounded 402 (the discovery block lists a prefix). */
  maxColumns: 10_000,
  /** One cell's UTF-8 size; larger blobs belong in object storage, referenced by URL. */
  maxCellBytes: 64 * 1024,
} as const;

/** UTF-8 size of a string, computed only when it could exceed `limit` (most cells are short). */
export function exceedsUtf8Bytes(text: string, limit: number): number | undefined {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  if (text.length * 3 <= limit) return undefined;
  const size = Buffer.byteLength(text, "utf8");
  return size > limit ? size : undefined;
}
