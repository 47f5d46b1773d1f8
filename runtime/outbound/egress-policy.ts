// The egress policy for creator code: every outgoing fetch from a creator's worker is judged
// here (by the outbound worker) before it leaves the platform. Deny by default: internal and
// metadata destinations are refused in every spelling, and only hosts on the API's `egress`
// allowlist are let through.
//
// Limits, on purpose: we judge the URL, not the resolved address. Cloudflare resolves names
// after us, so an allowed public name whose DNS points at a private address (DNS rebinding,
// wildcard services like nip.io) cannot be caught here. That is acceptable on Workers because
// subrequests leave from Cloudflare's edge, not from a network with internal services; the
// allowlist (reviewed in the creator's pull request) is the control for names.

import {
  describeDeniedIPv4,
  describeDeniedIPv6,
  endsInNumber,
  formatIPv4,
  formatIPv6,
  type IPv6Groups,
  parseIPv4,
  parseIPv6,
} from "./ip-address.ts";

/** Machine-readable reasons an outgoing request is refused by policy. */
export type EgressDenialCode =
  | "bad_url"
  | "scheme_not_allowed"
  | "internal_destination"
  | "credentials_in_url"
  | "host_not_allowed";

/** A refusal: the outbound worker answers it with `status` and `{ error: { code, message } }`. */
export interface EgressDenial {
  allowed: false;
  status: 403;
  code: EgressDenialCode;
  reason: string;
}

/** The policy's answer for one destination; `hostname` is canonical (lowercase, no trailing dot). */
export type EgressVerdict = { allowed: true; hostname: string } | EgressDenial;

type Host =
  | { kind: "ipv4"; address: number; text: string }
  | { kind: "ipv6"; groups: IPv6Groups; text: string }
  | { kind: "name"; name: string }
  | { kind: "invalid" };

// Names that only ever resolve inside a private network (RFC 6761, RFC 8375, common
// split-horizon suffixes). Any subdomain of these is internal too.
const INTERNAL_SUFFIXES = [
  "localhost",
  "internal",
  "local",
  "localdomain",
  "home.arpa",
  "lan",
  "intranet",
  "corp",
];

/**
 * Classify a host the way we will compare it. Works on our own parse of the text, so it does
 * not depend on the URL parser having canonicalised IPv4 spellings (it does, but we check).
 */
function classifyHost(raw: string): Host {
  const host = raw.toLowerCase();
  if (host.startsWith("[") || host.includes(":")) {
    const groups = parseIPv6(host);
    return groups ? { kind: "ipv6", groups, text: `[${formatIPv6(groups)}]` } : { kind: "invalid" };
  }
  // WHATWG: a host whose last label is numeric must be IPv4 or is no host at all.
  if (endsInNumber(host)) {
    const address = parseIPv4(host);
    return address === undefined ? { kind: "invalid" } : { kind: "ipv4", address, text: formatIPv4(address) };
  }
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name === "" || name.split(".").some((label) => label === "")) return { kind: "invalid" };
  return { kind: "name", name };
}

/** Why a DNS name is internal, or undefined if it may be public. */
function describeDeniedName(name: string): string | undefined {
  if (name === "metadata" || name === "metadata.google.internal") return "a cloud metadata host";
  if (name === "localhost" || name.endsWith(".localhost")) return "a loopback name";
  const suffix = INTERNAL_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix) return `an internal name (.${suffix})`;
  // A dotless name is only meaningful to a private resolver's search list ("router", "db").
  if (!name.includes(".")) return "a single-label name, which only resolves inside private networks";
  return undefined;
}

function describeDenied(host: Host): string | undefined {
  switch (host.kind) {
    case "ipv4":
      return describeDeniedIPv4(host.address);
    case "ipv6":
      return describeDeniedIPv6(host.groups);
    case "name":
      return describeDeniedName(host.name);
    case "invalid":
      return "not a valid hostname";
  }
}

/** Canonical hostname through the WHATWG host parser (percent-decoding, IDNA, IPv4 forms), or undefined. */
function canonicalHostname(host: string): string | undefined {
  // Anything that would change which part of the URL we are parsing is not a hostname.
  if (host === "" || /[\s/\\?#@]/.test(host)) return undefined;
  const literal = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  try {
    const url = new URL(`http://${literal}/`);
    return url.port === "" ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a hostname is internal (loopback, private, link-local, metadata, internal names,
 * or not a valid hostname at all) and so denied whatever an allowlist says.
 */
export function isDeniedHostname(host: string): boolean {
  const canonical = canonicalHostname(host);
  return canonical === undefined || describeDenied(classifyHost(canonical)) !== undefined;
}

function deny(code: EgressDenialCode, reason: string): EgressDenial {
  return { allowed: false, status: 403, code, reason };
}

/** Whether one allowlist entry names this (public) host: exact, or `*.suffix` for subdomains. */
function entryMatches(entry: string, host: Host): boolean {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed === "") return false;
  if (host.kind === "name") {
    const wanted = trimmed.endsWith(".") ? trimmed.slice(0, -1) : trimmed;
    if (wanted.startsWith("*.")) {
      // Keep the dot: "*.example.com" covers a.example.com and deeper, never example.com itself.
      const suffix = wanted.slice(1);
      return host.name.endsWith(suffix);
    }
    return host.name === wanted;
  }
  if (host.kind === "invalid") return false;
  // IP literals match only an entry that is the same address (in any spelling).
  const listed = classifyHost(trimmed);
  return (listed.kind === "ipv4" || listed.kind === "ipv6") && listed.text === host.text;
}

/** Judge one outgoing request URL against the internal-destination rules and the API's allowlist. */
export function judgeDestination(url: string, allowedHosts: readonly string[]): EgressVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return deny("bad_url", "The destination is not a valid absolute URL.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return deny(
      "scheme_not_allowed",
      `The "${parsed.protocol.replace(/:$/, "")}" scheme is not allowed; creator code may only fetch http: and https: URLs.`,
    );
  }
  const host = classifyHost(parsed.hostname);
  if (host.kind === "invalid")
    return deny("bad_url", `The destination host "${parsed.hostname}" is not a valid hostname.`);
  const shown = host.kind === "name" ? host.name : host.text;
  const internal = describeDenied(host);
  if (internal) {
    return deny(
      "internal_destination",
      `The destination "${shown}" is ${internal}; creator code may never reach internal or metadata addresses.`,
    );
  }
  // Credentials in a URL are a classic way to disguise the real host; fetch() itself refuses them.
  if (parsed.username !== "" || parsed.password !== "") {
    return deny(
      "credentials_in_url",
      "The destination URL contains credentials; send them in a header instead.",
    );
  }
  if (!allowedHosts.some((entry) => entryMatches(entry, host))) {
    return deny(
      "host_not_allowed",
      `The host "${shown}" is not on this API's egress allowlist; add it under "egress:" in api.yaml to allow it.`,
    );
  }
  return { allowed: true, hostname: shown };
}
