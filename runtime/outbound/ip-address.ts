// IP literal parsing and classification for the egress policy. Pure and web-standard: it
// runs in workerd, in Node tests and in the manifest validator.

/** One IPv6 address as its eight 16-bit groups. */
export type IPv6Groups = readonly [number, number, number, number, number, number, number, number];

/** Parse one IPv4 number part the way inet_aton and the WHATWG URL parser do (0x hex, 0 octal). */
function parseIPv4Part(part: string): number | undefined {
  if (part === "") return undefined;
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(digits)) {
    digits = digits.slice(2);
    radix = 16;
    // WHATWG reads a bare "0x" as zero; inet_aton agrees.
    if (digits === "") return 0;
  } else if (digits.length > 1 && digits.startsWith("0")) {
    digits = digits.slice(1);
    radix = 8;
  }
  const pattern = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return undefined;
  // Number() keeps precision up to 2^53; anything that long is out of range anyway.
  const value = radix === 10 ? Number(digits) : Number.parseInt(digits, radix);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Parse an IPv4 literal in any inet_aton / WHATWG spelling (127.1, 0x7f.1, 017700000001,
 * 2130706433, trailing dot) to its 32-bit value, or undefined if it is not one.
 */
export function parseIPv4(host: string): number | undefined {
  const parts = host.split(".");
  // One trailing dot is allowed ("127.0.0.1."), as in WHATWG host parsing.
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = parseIPv4Part(part);
    if (value === undefined) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop()!;
  // Leading parts are single bytes; the last part fills every byte that remains (127.1 = 127.0.0.1).
  if (numbers.some((n) => n > 255)) return undefined;
  if (last >= 256 ** (4 - numbers.length)) return undefined;
  let value = last;
  numbers.forEach((n, index) => {
    value += n * 256 ** (3 - index);
  });
  return value;
}

/**
 * Whether a hostname "ends in a number" (WHATWG): such a host must be an IPv4 literal and is
 * invalid otherwise, so it must never be treated as a DNS name.
 */
export function endsInNumber(host: string): boolean {
  const parts = host.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  const last = parts[parts.length - 1] ?? "";
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

/** Dotted-decimal form of a 32-bit IPv4 value. */
export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parse the groups of an IPv4 tail ("1.2.3.4") inside an IPv6 literal; strict dotted decimal only. */
function parseEmbeddedIPv4(text: string): [number, number] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    bytes.push(byte);
  }
  const [a = 0, b = 0, c = 0, d = 0] = bytes;
  return [a * 256 + b, c * 256 + d];
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  const pieces = text.split(":");
  for (const [index, piece] of pieces.entries()) {
    if (index === pieces.length - 1 && piece.includes(".")) {
      const tail = parseEmbeddedIPv4(piece);
      if (!tail) return undefined;
      groups.push(...tail);
    } else {
      if (!/^[0-9a-f]{1,4}$/i.test(piece)) return undefined;
      groups.push(Number.parseInt(piece, 16));
    }
  }
  return groups;
}

/**
 * Parse an IPv6 literal (brackets, a zone id and an embedded IPv4 tail allowed) into its
 * eight groups, or undefined if it is not one.
 */
export function parseIPv6(input: string): IPv6Groups | undefined {
  let text = input;
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  // A zone id ("fe80::1%eth0", "%25eth0" in URLs) picks an interface; the address is what counts.
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  // An embedded IPv4 tail is only allowed at the very end.
  if (halves.length === 2 && (halves[0] ?? "").includes(".")) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  return groups as unknown as IPv6Groups;
}

/** Canonical (RFC 5952-like, lowercase, no brackets) text for IPv6 groups. */
export function formatIPv6(groups: IPv6Groups): string {
  // Compress the longest run (length ≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

interface IPv4Range {
  base: number;
  bits: number;
  label: string;
}

function v4(dotted: string, bits: number, label: string): IPv4Range {
  return { base: parseIPv4(dotted)!, bits, label };
}

// Special-purpose IPv4 space (RFC 6890 and friends) that a creator's code must never reach.
const DENIED_IPV4: readonly IPv4Range[] = [
  v4("0.0.0.0", 8, "an unspecified ('this network') address"),
  v4("10.0.0.0", 8, "a private network address"),
  v4("100.64.0.0", 10, "a carrier-grade NAT address"),
  v4("127.0.0.0", 8, "a loopback address"),
  v4("169.254.0.0", 16, "a link-local address"),
  v4("172.16.0.0", 12, "a private network address"),
  v4("192.0.0.0", 24, "an IETF protocol-assignment address"),
  v4("192.0.2.0", 24, "a documentation address"),
  v4("192.88.99.0", 24, "a 6to4 relay anycast address"),
  v4("192.168.0.0", 16, "a private network address"),
  v4("198.18.0.0", 15, "a benchmarking address"),
  v4("198.51.100.0", 24, "a documentation address"),
  v4("203.0.113.0", 24, "a documentation address"),
  v4("224.0.0.0", 4, "a multicast address"),
  v4("240.0.0.0", 4, "a reserved or broadcast address"),
];

// Cloud metadata endpoints get their own label: they are the prize in most SSRF attacks.
const METADATA_IPV4 = new Set([parseIPv4("169.254.169.254")!, parseIPv4("100.100.100.200")!]);

/** Why an IPv4 address is internal (a short noun phrase), or undefined if it is public. */
export function describeDeniedIPv4(address: number): string | undefined {
  if (METADATA_IPV4.has(address)) return "a cloud metadata address";
  for (const range of DENIED_IPV4) {
    const size = 2 ** (32 - range.bits);
    if (Math.floor(address / size) === Math.floor(range.base / size)) return range.label;
  }
  return undefined;
}

function ipv4FromGroups(high: number, low: number): number {
  return high * 65536 + low;
}

/** Whether the first `bits` bits of an address equal those of a prefix. */
function hasPrefix(groups: IPv6Groups, prefix: readonly number[], bits: number): boolean {
  for (let index = 0; index * 16 < bits; index++) {
    const keep = Math.min(16, bits - index * 16);
    const mask = (0xffff << (16 - keep)) & 0xffff;
    if (((groups[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

/** Why an IPv6 address is internal (a short noun phrase), or undefined if it is public. */
export function describeDeniedIPv6(groups: IPv6Groups): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  if (groups.every((group) => group === 0)) return "the unspecified address";
  if (groups.slice(0, 7).every((group) => group === 0) && g7 === 1) return "a loopback address";
  if (formatIPv6(groups) === "fd00:ec2::254") return "a cloud metadata address";
  // Addresses that carry an IPv4 address are judged by that address: mapped (::ffff:a.b.c.d),
  // compatible (::a.b.c.d), SIIT-translated (::ffff:0:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
  const embedsV4InLow32 =
    (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0 || g5 === 0xffff)) ||
    (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) ||
    hasPrefix(groups, [0x64, 0xff9b, 0, 0, 0, 0], 96);
  if (embedsV4InLow32) {
    const inner = describeDeniedIPv4(ipv4FromGroups(g6, g7));
    return inner && `an IPv6 address embedding ${inner}`;
  }
  // 6to4 (2002:AABB:CCDD::/48) carries the IPv4 address in groups 1 and 2.
  if (g0 === 0x2002) {
    const inner = describeDeniedIPv4(ipv4FromGroups(g1, g2));
    return inner && `a 6to4 address embedding ${inner}`;
  }
  if (hasPrefix(groups, [0x64, 0xff9b, 0x1], 48)) return "a local-use NAT64 address";
  // Teredo hides the client address (XOR-obfuscated) and is a tunnel into someone's network.
  if (hasPrefix(groups, [0x2001, 0], 32)) return "a Teredo tunnel address";
  if (hasPrefix(groups, [0x2001, 0xdb8], 32)) return "a documentation address";
  if (hasPrefix(groups, [0x100, 0, 0, 0], 64)) return "a discard-only address";
  if (hasPrefix(groups, [0xfc00], 7)) return "a unique-local (private) address";
  if (hasPrefix(groups, [0xfe80], 10)) return "a link-local address";
  if (hasPrefix(groups, [0xfec0], 10)) return "a site-local address";
  if (hasPrefix(groups, [0xff00], 8)) return "a multicast address";
  // Anything outside global unicast 2000::/3 is unassigned or special; deny it too.
  if (!hasPrefix(groups, [0x2000], 3)) return "an address outside global unicast space";
  return undefined;
}
