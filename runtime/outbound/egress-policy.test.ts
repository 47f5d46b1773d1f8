import { describe, expect, it } from "vitest";
import { isDeniedHostname, judgeDestination } from "./egress-policy.ts";

// One allowlist for the whole corpus. It deliberately lists internal destinations too
// (10.0.0.1, localhost, a metadata host): listing them must never make them reachable.
const ALLOWLIST = [
  "api.frankfurter.app",
  "*.example.com",
  "Allowed.COM.",
  "8.8.8.8",
  "2606:4700:4700::1111",
  "10.0.0.1",
  "localhost",
  "metadata.google.internal",
  "169.254.169.254",
];

type Expected =
  | "allowed"
  | "scheme_not_allowed"
  | "internal_destination"
  | "host_not_allowed"
  | "bad_url"
  | "credentials_in_url";

// [destination, expected verdict, what the row proves]
const CORPUS: ReadonlyArray<readonly [string, Expected, string]> = [
  // Allowed public destinations.
  ["https://api.frankfurter.app/latest?from=USD", "allowed", "listed host, https"],
  ["http://api.frankfurter.app/", "allowed", "listed host, http"],
  ["https://API.Frankfurter.APP/", "allowed", "case-insensitive match"],
  ["https://api.frankfurter.app./latest", "allowed", "trailing dot on the request"],
  ["https://api.frankfurter.app:8443/x", "allowed", "any port on an allowed public host"],
  ["https://allowed.com/", "allowed", "trailing dot and case on the list entry"],
  ["https://sub.example.com/", "allowed", "wildcard matches a subdomain"],
  ["https://deep.sub.example.com/", "allowed", "wildcard matches a deeper subdomain"],
  ["http://8.8.8.8/dns", "allowed", "listed public IPv4"],
  ["http://134744072/", "allowed", "listed public IPv4 as a decimal integer"],
  ["http://0x8.0x8.0x8.0x8/", "allowed", "listed public IPv4 in hex parts"],
  ["http://[2606:4700:4700::1111]/", "allowed", "listed public IPv6"],
  ["http://[2606:4700:4700:0:0:0:0:1111]/", "allowed", "listed public IPv6, uncompressed"],
  ["https://%61pi.frankfurter.app/", "allowed", "percent-encoded hostname decodes to a listed host"],
  // Not on the allowlist.
  ["https://example.com/", "host_not_allowed", "*.example.com does not cover example.com itself"],
  ["https://evilexample.com/", "host_not_allowed", "wildcard needs a dot boundary"],
  ["https://example.com.evil.net/", "host_not_allowed", "listed name as a prefix of another"],
  ["https://api.frankfurter.app.evil.net/", "host_not_allowed", "listed name as a prefix"],
  ["https://frankfurter.app/", "host_not_allowed", "parent of a listed name"],
  ["http://1.1.1.1/", "host_not_allowed", "public IPv4 not listed"],
  ["http://[2606:4700:4700::1001]/", "host_not_allowed", "public IPv6 not listed"],
  ["https://127.0.0.1.nip.io/", "host_not_allowed", "wildcard DNS name not listed"],
  // Schemes.
  ["file:///etc/passwd", "scheme_not_allowed", "file:"],
  ["ftp://api.frankfurter.app/", "scheme_not_allowed", "ftp: on an allowed host"],
  ["data:text/plain,hello", "scheme_not_allowed", "data:"],
  ["ws://api.frankfurter.app/", "scheme_not_allowed", "ws:"],
  ["wss://api.frankfurter.app/", "scheme_not_allowed", "wss:"],
  ["gopher://127.0.0.1:6379/_INFO", "scheme_not_allowed", "gopher: (redis smuggling)"],
  ["javascript:alert(1)", "scheme_not_allowed", "javascript:"],
  ["blob:https://api.frankfurter.app/uuid", "scheme_not_allowed", "blob:"],
  // Loopback in every spelling.
  ["http://127.0.0.1/", "internal_destination", "dotted decimal"],
  ["http://127.255.255.254/", "internal_destination", "anywhere in 127/8"],
  ["http://2130706433/", "internal_destination", "single decimal integer"],
  ["http://0177.0.0.1/", "internal_destination", "octal first part"],
  ["http://017700000001/", "internal_destination", "single octal integer"],
  ["http://0x7f.0.0.1/", "internal_destination", "hex first part"],
  ["http://0x7f000001/", "internal_destination", "single hex integer"],
  ["http://0X7F.1/", "internal_destination", "uppercase hex, short form"],
  ["http://127.1/", "internal_destination", "short form a.b"],
  ["http://127.0.1/", "internal_destination", "short form a.b.c"],
  ["http://0x7f.0.1/", "internal_destination", "mixed hex and decimal"],
  ["http://0177.0x0.1/", "internal_destination", "mixed octal, hex and decimal"],
  ["http://127.0.0.1./", "internal_destination", "trailing dot on an IP"],
  ["http://127.0.0.%31/", "internal_destination", "percent-encoded digit"],
  ["http://１２７.０.０.１/", "internal_destination", "fullwidth digits"],
  ["http://localhost/", "internal_destination", "localhost, even though listed"],
  ["http://LOCALHOST./", "internal_destination", "uppercase localhost with a trailing dot"],
  ["http://api.localhost/", "internal_destination", "*.localhost"],
  ["http://%6c%6f%63%61%6c%68%6f%73%74/", "internal_destination", "percent-encoded localhost"],
  ["http://[::1]/", "internal_destination", "IPv6 loopback"],
  ["http://[0:0:0:0:0:0:0:1]/", "internal_destination", "IPv6 loopback uncompressed"],
  ["http://[::ffff:127.0.0.1]/", "internal_destination", "IPv4-mapped loopback"],
  ["http://[::ffff:7f00:1]/", "internal_destination", "IPv4-mapped loopback in hex"],
  ["http://[::127.0.0.1]/", "internal_destination", "IPv4-compatible loopback"],
  ["http://[::ffff:0:127.0.0.1]/", "internal_destination", "SIIT-translated loopback"],
  // Unspecified and "this network".
  ["http://0.0.0.0/", "internal_destination", "0.0.0.0"],
  ["http://0/", "internal_destination", "0 as an integer"],
  ["http://0x/", "internal_destination", "bare 0x is zero"],
  ["http://[::]/", "internal_destination", "IPv6 unspecified"],
  // Private, CGNAT, link-local, multicast, reserved.
  ["http://10.0.0.1/", "internal_destination", "10/8, even though listed"],
  ["http://10.1/", "internal_destination", "10/8 short form"],
  ["http://167772161/", "internal_destination", "10.0.0.1 as an integer"],
  ["http://172.16.0.1/", "internal_destination", "172.16/12 low end"],
  ["http://172.31.255.255/", "internal_destination", "172.16/12 high end"],
  ["http://192.168.1.1/", "internal_destination", "192.168/16"],
  ["http://0xc0a80101/", "internal_destination", "192.168.1.1 in hex"],
  ["http://100.64.0.1/", "internal_destination", "CGNAT"],
  ["http://169.254.1.1/", "internal_destination", "link-local"],
  ["http://224.0.0.1/", "internal_destination", "multicast"],
  ["http://240.0.0.1/", "internal_destination", "reserved 240/4"],
  ["http://255.255.255.255/", "internal_destination", "broadcast"],
  ["http://[fe80::1]/", "internal_destination", "IPv6 link-local"],
  ["http://[febf::1]/", "internal_destination", "top of fe80::/10"],
  ["http://[fc00::1]/", "internal_destination", "unique-local fc00::/7"],
  ["http://[fd12:3456::1]/", "internal_destination", "unique-local fd00::/8"],
  ["http://[ff02::1]/", "internal_destination", "IPv6 multicast"],
  ["http://[64:ff9b::10.0.0.1]/", "internal_destination", "NAT64 embedding 10.0.0.1"],
  ["http://[64:ff9b::7f00:1]/", "internal_destination", "NAT64 embedding loopback, hex"],
  ["http://[2002:c0a8:101::1]/", "internal_destination", "6to4 embedding 192.168.1.1"],
  ["http://[2002:7f00:1::]/", "internal_destination", "6to4 embedding loopback"],
  // Metadata endpoints.
  [
    "http://169.254.169.254/latest/meta-data/",
    "internal_destination",
    "AWS/GCP/Azure metadata, even though listed",
  ],
  ["http://2852039166/", "internal_destination", "169.254.169.254 as an integer"],
  ["http://0xa9.0xfe.0xa9.0xfe/", "internal_destination", "169.254.169.254 in hex parts"],
  ["http://[::ffff:169.254.169.254]/", "internal_destination", "metadata through IPv4-mapped IPv6"],
  [
    "http://metadata.google.internal/computeMetadata/v1/",
    "internal_destination",
    "GCP metadata name, even though listed",
  ],
  ["http://METADATA.GOOGLE.INTERNAL./", "internal_destination", "GCP metadata name, uppercase, trailing dot"],
  ["http://metadata/", "internal_destination", "bare metadata name"],
  ["http://100.100.100.200/", "internal_destination", "Alibaba metadata"],
  ["http://[fd00:ec2::254]/", "internal_destination", "AWS IPv6 metadata"],
  // Internal names.
  ["http://db.internal/", "internal_destination", "*.internal"],
  ["http://printer.local/", "internal_destination", "*.local (mDNS)"],
  ["http://box.localdomain/", "internal_destination", "*.localdomain"],
  ["http://nas.home.arpa/", "internal_destination", "*.home.arpa"],
  ["http://router/", "internal_destination", "single-label name"],
  // Userinfo and fragment tricks: the real host is what counts.
  ["http://allowed.com@127.0.0.1/", "internal_destination", "userinfo names an allowed host"],
  ["http://api.frankfurter.app:x@169.254.169.254/", "internal_destination", "userinfo with a password"],
  ["http://127.0.0.1#@allowed.com", "internal_destination", "fragment hides an allowed host"],
  ["http://127.0.0.1?@allowed.com/", "internal_destination", "query hides an allowed host"],
  ["http://127.0.0.1\\@allowed.com/", "internal_destination", "backslash ends the authority"],
  ["http://user:pass@api.frankfurter.app/", "credentials_in_url", "credentials on an allowed host"],
  // Not URLs at all.
  ["not a url", "bad_url", "garbage"],
  ["/relative/path", "bad_url", "relative URL"],
  ["http://[fe80::1%25eth0]/", "bad_url", "zone id (rejected by the URL parser)"],
  ["http://1.2.3.4.5/", "bad_url", "five IPv4 parts"],
  ["http://256.0.0.1/", "bad_url", "IPv4 part out of range"],
  ["http://4294967296/", "bad_url", "IPv4 integer out of range"],
  ["http://a..b.example.com/", "bad_url", "empty label"],
  ["http:///", "bad_url", "no host"],
];

describe("judgeDestination corpus", () => {
  it("has at least 60 destinations", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CORPUS)("%s → %s (%s)", (url, expected) => {
    const verdict = judgeDestination(url, ALLOWLIST);
    expect(verdict.allowed ? "allowed" : verdict.code).toBe(expected);
    if (!verdict.allowed) {
      expect(verdict.status).toBe(403);
      expect(verdict.reason).toMatch(/\.$/);
    }
  });
});

describe("judgeDestination details", () => {
  it("returns the canonical hostname of an allowed destination", () => {
    expect(judgeDestination("https://API.frankfurter.app./x", ALLOWLIST)).toEqual({
      allowed: true,
      hostname: "api.frankfurter.app",
    });
    expect(judgeDestination("http://134744072/", ALLOWLIST)).toEqual({ allowed: true, hostname: "8.8.8.8" });
  });

  it("denies everything with an empty allowlist", () => {
    const verdict = judgeDestination("https://api.frankfurter.app/", []);
    expect(verdict).toMatchObject({ allowed: false, code: "host_not_allowed" });
  });

  it("names the kind of internal destination in the reason", () => {
    const metadata = judgeDestination("http://169.254.169.254/", ALLOWLIST);
    expect(metadata.allowed ? "" : metadata.reason).toContain("metadata");
    const loopback = judgeDestination("http://0x7f000001/", ALLOWLIST);
    expect(loopback.allowed ? "" : loopback.reason).toContain('"127.0.0.1" is a loopback address');
  });

  it("tells the creator how to allow a host", () => {
    const verdict = judgeDestination("https://api.github.com/", ALLOWLIST);
    expect(verdict.allowed ? "" : verdict.reason).toContain('"egress:"');
  });

  it("does not treat a wildcard or blank entry as allow-all", () => {
    expect(judgeDestination("https://api.github.com/", ["*", " ", ""]).allowed).toBe(false);
  });
});

describe("isDeniedHostname", () => {
  const denied = [
    "localhost",
    "LocalHost.",
    "foo.localhost",
    "metadata",
    "metadata.google.internal",
    "svc.cluster.internal",
    "printer.local",
    "box.localdomain",
    "nas.home.arpa",
    "127.0.0.1",
    "2130706433",
    "0x7f.1",
    "0177.0.0.1",
    "10.1",
    "169.254.169.254",
    "100.100.100.200",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "fd00:ec2::254",
    "fe80::1%eth0",
    "",
    "a b.com",
    "evil.com/@127.0.0.1",
    "allowed.com@127.0.0.1",
    "example.com:8080",
    "1.2.3.4.5",
  ];
  const publicHosts = [
    "api.frankfurter.app",
    "example.com",
    "API.Example.COM.",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "xn--bcher-kva.example",
  ];

  it.each(denied)("denies %j", (host) => {
    expect(isDeniedHostname(host)).toBe(true);
  });

  it.each(publicHosts)("does not deny public %j", (host) => {
    expect(isDeniedHostname(host)).toBe(false);
  });
});
