import { describe, expect, it } from "vitest";
import {
  describeDeniedIPv4,
  describeDeniedIPv6,
  endsInNumber,
  formatIPv4,
  formatIPv6,
  parseIPv4,
  parseIPv6,
} from "./ip-address.ts";

const ipv4 = (text: string) => {
  const value = parseIPv4(text);
  return value === undefined ? undefined : formatIPv4(value);
};

describe("parseIPv4", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["017700000001", "127.0.0.1"],
    ["0x7f000001", "127.0.0.1"],
    ["0X7F.0.0.1", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["127.0.1", "127.0.0.1"],
    ["10.1", "10.0.0.1"],
    ["0x7f.0.1", "127.0.0.1"],
    ["127.0.0.1.", "127.0.0.1"],
    ["0", "0.0.0.0"],
    ["0x", "0.0.0.0"],
    ["00", "0.0.0.0"],
    ["1.65535", "1.0.255.255"],
    ["1.2.65535", "1.2.255.255"],
    ["1.2.65536", undefined],
    ["4294967295", "255.255.255.255"],
    ["0xffffffff", "255.255.255.255"],
  ])("reads %s as %s", (text, expected) => {
    expect(ipv4(text)).toBe(expected);
  });

  it.each([
    "4294967296",
    "256.0.0.1",
    "1.2.3.4.5",
    "08.0.0.1",
    "0x7g.0.0.1",
    "1..1",
    "",
    ".",
    "1.2.3.4..",
    "-1.0.0.1",
    "1e3",
    "example.com",
  ])("rejects %j", (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });
});

describe("endsInNumber", () => {
  it.each([
    ["127.0.0.1", true],
    ["foo.0x10", true],
    ["foo.123.", true],
    ["1.2.3.4.5", true],
    ["example.com", false],
    ["123.example", false],
    ["0xzz", false],
  ])("%s → %s", (host, expected) => {
    expect(endsInNumber(host)).toBe(expected);
  });
});

describe("parseIPv6", () => {
  const canonical = (text: string) => {
    const groups = parseIPv6(text);
    return groups && formatIPv6(groups);
  };

  it.each([
    ["::1", "::1"],
    ["[::1]", "::1"],
    ["::", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["::ffff:127.0.0.1", "::ffff:7f00:1"],
    ["::FFFF:7F00:1", "::ffff:7f00:1"],
    ["fe80::1%eth0", "fe80::1"],
    ["[fe80::1%25eth0]", "fe80::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["64:ff9b::10.0.0.1", "64:ff9b::a00:1"],
  ])("reads %s as %s", (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it.each([
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "12345::1",
    "::g",
    "1:2:3:4:5:6:7",
    "1:2:3:4::5:6:7:8",
    "::1.2.3",
    "::256.0.0.1",
    "1.2.3.4::1",
    ":1",
    "",
  ])("rejects %j", (text) => {
    expect(parseIPv6(text)).toBeUndefined();
  });
});

describe("describeDeniedIPv4", () => {
  const deniedAs = (text: string) => describeDeniedIPv4(parseIPv4(text)!);

  it("labels the ranges", () => {
    expect(deniedAs("127.0.0.1")).toBe("a loopback address");
    expect(deniedAs("169.254.169.254")).toBe("a cloud metadata address");
    expect(deniedAs("100.100.100.200")).toBe("a cloud metadata address");
    expect(deniedAs("169.254.0.1")).toBe("a link-local address");
    expect(deniedAs("100.127.255.255")).toBe("a carrier-grade NAT address");
  });

  it("checks range edges, not prefixes of text", () => {
    expect(deniedAs("172.15.255.255")).toBeUndefined();
    expect(deniedAs("172.16.0.0")).toBe("a private network address");
    expect(deniedAs("172.31.255.255")).toBe("a private network address");
    expect(deniedAs("172.32.0.0")).toBeUndefined();
    expect(deniedAs("100.63.255.255")).toBeUndefined();
    expect(deniedAs("100.128.0.0")).toBeUndefined();
    expect(deniedAs("223.255.255.255")).toBeUndefined();
    expect(deniedAs("224.0.0.0")).toBe("a multicast address");
    expect(deniedAs("11.0.0.0")).toBeUndefined();
    expect(deniedAs("1.1.1.1")).toBeUndefined();
  });
});

describe("describeDeniedIPv6", () => {
  const deniedAs = (text: string) => describeDeniedIPv6(parseIPv6(text)!);

  it("judges embedded IPv4 by the IPv4 address", () => {
    expect(deniedAs("::ffff:10.0.0.1")).toBe("an IPv6 address embedding a private network address");
    expect(deniedAs("::ffff:8.8.8.8")).toBeUndefined();
    expect(deniedAs("64:ff9b::8.8.8.8")).toBeUndefined();
    expect(deniedAs("64:ff9b::192.168.0.1")).toContain("private network");
    expect(deniedAs("2002:0808:0808::1")).toBeUndefined();
    expect(deniedAs("2002:a9fe:a9fe::1")).toContain("cloud metadata");
  });

  it("denies special IPv6 space and allows global unicast", () => {
    expect(deniedAs("fd00:ec2::254")).toBe("a cloud metadata address");
    expect(deniedAs("fdff::1")).toContain("unique-local");
    expect(deniedAs("fec0::1")).toContain("site-local");
    expect(deniedAs("2001:db8::1")).toContain("documentation");
    expect(deniedAs("2001::1")).toContain("Teredo");
    expect(deniedAs("64:ff9b:1::1")).toContain("NAT64");
    expect(deniedAs("4000::1")).toContain("outside global unicast");
    expect(deniedAs("2606:4700:4700::1111")).toBeUndefined();
    expect(deniedAs("2a00:1450:4001::200e")).toBeUndefined();
  });
});
