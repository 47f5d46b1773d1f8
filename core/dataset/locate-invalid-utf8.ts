import Papa from "papaparse";

const CHUNK = 64 * 1024;

/** Byte offset of the first invalid UTF-8 sequence (the bytes are known to be invalid somewhere). */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  // The platform decoder finds the bad chunk quickly; the chunk is then re-read byte by byte.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  for (; start < bytes.length; start += CHUNK) {
    try {
      decoder.decode(bytes.subarray(start, start + CHUNK), { stream: true });
    } catch {
      break;
    }
  }
  // Back up to the character that straddles the chunk boundary (at most 3 continuation bytes).
  let from = Math.min(start, bytes.length);
  while (from > 0 && from > start - 4 && ((bytes[from] ?? 0) & 0xc0) === 0x80) from--;
  const fine = new TextDecoder("utf-8", { fatal: true });
  for (let i = from; i < bytes.length; i++) {
    try {
      fine.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      // The byte where decoding failed: the bad sequence ends here, in the same cell.
      return i;
    }
  }
  // Only the end was wrong: the file stops in the middle of a character.
  return bytes.length;
}

/** Where byte `offset` falls in CSV text: 1-based record (header = row 1) and field, and the line. */
export function csvPositionOf(
  bytes: Uint8Array,
  offset: number,
): { row: number; column: number; name: string | undefined; line: number } {
  const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset)).replace(/\r\n?/g, "\n");
  const parsed = Papa.parse<string[]>(before, { delimiter: ",", newline: "\n", header: false });
  const rows = parsed.data.length === 0 ? 1 : parsed.data.length;
  const lastRow = parsed.data[parsed.data.length - 1] ?? [""];
  const line = before.split("\n").length;
  const name = rows > 1 ? parsed.data[0]?.[lastRow.length - 1] : undefined;
  return { row: rows, column: lastRow.length, name, line };
}

/** 1-based line and column (in characters) of byte `offset` in any text. */
export function linePositionOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const lines = new TextDecoder("utf-8").decode(bytes.subarray(0, offset)).split(/\r\n?|\n/);
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}
