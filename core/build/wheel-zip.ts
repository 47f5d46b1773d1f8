import { crc32, inflateRawSync } from "node:zlib";

/**
 * A bounded reader of zip archives (Python wheels are zips), for hostile input: nothing is
 * written to disk, every entry is checked before it is inflated, and inflating stops at the
 * entry's declared size. Only what vendoring needs: names, kinds and contents of regular files.
 */

/** One entry of the central directory, not yet read. */
export interface ZipEntry {
  name: string;
  /** A folder entry (name ends with "/"). */
  folder: boolean;
  /** Unix mode from the external attributes, when the archive was made on Unix (0 otherwise). */
  unixMode: number;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  flags: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** The archive's entries (at most `maxEntries`), or throws naming what is wrong (truncated, zip64, too many). */
export function zipEntries(zip: Uint8Array, maxEntries: number): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || directoryOffset === 0xffffffff)
    throw new Error("is a zip64 archive (not supported)");
  if (count > maxEntries) throw new Error(`has ${count} entries, over ${maxEntries}`);
  if (directoryOffset + directorySize > eocd)
    throw new Error("is not a valid zip (central directory out of bounds)");
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE)
      throw new Error("is not a valid zip (bad central directory entry)");
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > eocd) throw new Error("is not a valid zip (entry name out of bounds)");
    const madeBy = view.getUint16(at + 4, true) >> 8;
    const name = new TextDecoder("utf-8", { fatal: true }).decode(
      zip.subarray(at + 46, at + 46 + nameLength),
    );
    entries.push({
      name,
      folder: name.endsWith("/"),
      // Version made by 3 = Unix: the high 16 bits of the external attributes are st_mode.
      unixMode: madeBy === 3 ? view.getUint32(at + 38, true) >>> 16 : 0,
      method: view.getUint16(at + 10, true),
      flags: view.getUint16(at + 8, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A symbolic link, a device or anything else that is not a plain file or folder. */
export function isSpecialEntry(entry: ZipEntry): boolean {
  const kind = entry.unixMode & S_IFMT;
  return entry.unixMode !== 0 && kind !== S_IFREG && kind !== S_IFDIR && kind !== 0;
}

/** One entry's bytes: inflated no further than its declared size, which must fit the cap; CRC checked. */
export function readZipEntry(zip: Uint8Array, entry: ZipEntry, maxBytes: number): Uint8Array {
  if (entry.flags & 0x1) throw new Error(`${entry.name} is encrypted`);
  if (entry.size > maxBytes) throw new Error(`${entry.name} is ${entry.size} bytes, over ${maxBytes}`);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.byteLength || view.getUint32(at, true) !== LOCAL_SIGNATURE)
    throw new Error(`${entry.name}: bad local header`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > zip.byteLength) throw new Error(`${entry.name}: data out of bounds`);
  const raw = zip.subarray(start, end);
  let bytes: Uint8Array;
  if (entry.method === 0) bytes = raw;
  else if (entry.method === 8) {
    try {
      // maxOutputLength stops a bomb whose declared size lies: it fails, never fills memory.
      bytes = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      throw new Error(
        `${entry.name}: cannot be inflated within its declared size (${(error as Error).message})`,
      );
    }
  } else throw new Error(`${entry.name} uses compression method ${entry.method} (only stored and deflate)`);
  if (bytes.byteLength !== entry.size) throw new Error(`${entry.name}: size differs from the declared size`);
  if (crc32(bytes) !== entry.crc) throw new Error(`${entry.name}: CRC mismatch`);
  return bytes;
}

function findEndOfCentralDirectory(view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw new Error("is not a zip archive");
}
