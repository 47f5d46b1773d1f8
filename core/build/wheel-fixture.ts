import { crc32, deflateRawSync } from "node:zlib";

/**
 * Test support: writes zip archives (wheels) byte by byte, including hostile ones (a name with
 * "..", a symbolic-link entry, a declared size that lies), so the vendoring tests need no zip
 * library and no Python.
 */
export interface FixtureEntry {
  name: string;
  content?: string | Uint8Array;
  /** Unix mode (e.g. 0o120777 for a symbolic link); default a regular file 0o100644. */
  mode?: number;
  /** Stored instead of deflated. */
  stored?: boolean;
  /** The uncompressed size the directory claims (a lying bomb); default the true size. */
  declaredSize?: number;
}

/** A zip archive of `entries`. */
export function makeZip(entries: readonly FixtureEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = Buffer.from(entry.content ?? "");
    const body = entry.stored ? data : deflateRawSync(data);
    const method = entry.stored ? 0 : 8;
    const crc = crc32(data);
    const size = entry.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE((3 << 8) | 20, 4); // made on Unix: the external attributes carry st_mode
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(method, 10);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(body.length, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** A pure-Python wheel of `package` with its modules (`{ "__init__.py": "…" }`) and dist-info. */
export function makeWheel(
  distribution: string,
  version: string,
  modules: Record<string, string>,
): Uint8Array {
  const info = `${distribution}-${version}.dist-info`;
  return makeZip([
    ...Object.entries(modules).map(([name, content]) => ({ name, content })),
    {
      name: `${info}/METADATA`,
      content: `Metadata-Version: 2.1\nName: ${distribution}\nVersion: ${version}\n`,
    },
    { name: `${info}/WHEEL`, content: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n" },
    { name: `${info}/RECORD`, content: "" },
  ]);
}
