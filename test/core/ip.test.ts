import { describe, expect, it } from "vitest";
import {
  atomize,
  CidrError,
  containsInterval,
  formatInterval,
  intervalToCidrs,
  overlaps,
  parseCidr,
  subtractIntervals,
  universe,
  type IpInterval,
} from "../../src/core/ip.js";

const cidrs = (ivs: readonly IpInterval[]) => ivs.flatMap(intervalToCidrs);

describe("parseCidr", () => {
  it("parses IPv4 and IPv6 blocks into inclusive intervals", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ family: 4, lo: 0x0a000000n, hi: 0x0affffffn });
    expect(parseCidr("0.0.0.0/0")).toEqual(universe(4));
    expect(parseCidr("192.168.1.7/32")).toEqual({ family: 4, lo: 0xc0a80107n, hi: 0xc0a80107n });
    expect(parseCidr("2001:db8::/32")).toEqual({
      family: 6,
      lo: 0x20010db8n << 96n,
      hi: (0x20010db8n << 96n) + (1n << 96n) - 1n,
    });
    expect(parseCidr("::/0")).toEqual(universe(6));
    expect(intervalToCidrs(parseCidr("2001:DB8:0:0::/48"))).toEqual(["2001:db8::/48"]);
  });

  it("clears host bits, as the API server's ParseCIDRSloppy does", () => {
    expect(intervalToCidrs(parseCidr("10.1.2.3/8"))).toEqual(["10.0.0.0/8"]);
    expect(intervalToCidrs(parseCidr("2001:db8::1/64"))).toEqual(["2001:db8::/64"]);
    // Leading zeros are decimal, not octal.
    expect(intervalToCidrs(parseCidr("010.000.000.000/8"))).toEqual(["10.0.0.0/8"]);
  });

  it("keeps an IPv4-mapped IPv6 block in the IPv6 family", () => {
    expect(parseCidr("::ffff:10.0.0.0/104").family).toBe(6);
  });

  it.each([
    "10.0.0.0/33",
    "2001:db8::/129",
    "10.0.0.0",
    "10.0.0.0/",
    "/8",
    "10.0.0.0/-1",
    "10.0.0.0/+8",
    "10.0.0.0/8/9",
    "10.0.0.256/32",
    "1.2.3.4.5/32",
    "10.1/16",
    "1.2.3/24",
    "4294967295/32",
    "0xa.0.0.0/8",
    " 10.0.0.0/8",
    "10.0.0.0/8 ",
    "fe80::1%eth0/64",
    "not-an-ip/8",
    "",
  ])("rejects %j", (text) => {
    expect(() => parseCidr(text)).toThrow(CidrError);
  });
});

describe("interval arithmetic", () => {
  it("turns an interval back into the fewest CIDRs, in order", () => {
    expect(intervalToCidrs(universe(4))).toEqual(["0.0.0.0/0"]);
    expect(intervalToCidrs({ family: 4, lo: 0n, hi: 2n })).toEqual(["0.0.0.0/31", "0.0.0.2/32"]);
    expect(intervalToCidrs({ family: 4, lo: parseCidr("10.0.0.1/32").lo, hi: parseCidr("10.0.0.6/32").lo })).toEqual([
      "10.0.0.1/32",
      "10.0.0.2/31",
      "10.0.0.4/31",
      "10.0.0.6/32",
    ]);
    expect(intervalToCidrs(universe(6))).toEqual(["::/0"]);
    expect(formatInterval(parseCidr("10.0.0.0/30"))).toBe("10.0.0.0-10.0.0.3");
  });

  it("subtracts holes: 10.0.0.0/8 except 10.1.0.0/16", () => {
    const parts = subtractIntervals(parseCidr("10.0.0.0/8"), [parseCidr("10.1.0.0/16")]);
    expect(cidrs(parts)).toEqual([
      "10.0.0.0/16",
      "10.2.0.0/15",
      "10.4.0.0/14",
      "10.8.0.0/13",
      "10.16.0.0/12",
      "10.32.0.0/11",
      "10.64.0.0/10",
      "10.128.0.0/9",
    ]);
    // A hole of the other family leaves the block whole.
    expect(cidrs(subtractIntervals(parseCidr("10.0.0.0/8"), [parseCidr("::/0")]))).toEqual(["10.0.0.0/8"]);
    expect(subtractIntervals(parseCidr("10.0.0.0/8"), [parseCidr("0.0.0.0/0")])).toEqual([]);
  });

  it("contains and overlaps within one family only", () => {
    expect(containsInterval(parseCidr("10.0.0.0/8"), parseCidr("10.1.0.0/16"))).toBe(true);
    expect(containsInterval(parseCidr("10.1.0.0/16"), parseCidr("10.0.0.0/8"))).toBe(false);
    expect(overlaps(parseCidr("10.0.0.0/8"), parseCidr("10.255.0.0/16"))).toBe(true);
    expect(overlaps(parseCidr("10.0.0.0/8"), parseCidr("11.0.0.0/8"))).toBe(false);
    expect(overlaps(parseCidr("0.0.0.0/0"), parseCidr("::/0"))).toBe(false);
  });

  it("atomizes each family's space at every block boundary", () => {
    const atoms = atomize([4], [parseCidr("10.0.0.0/8"), parseCidr("10.1.0.0/16"), parseCidr("2001:db8::/32")]);
    expect(atoms.map(formatInterval)).toEqual([
      "0.0.0.0-9.255.255.255",
      "10.0.0.0-10.0.255.255",
      "10.1.0.0-10.1.255.255",
      "10.2.0.0-10.255.255.255",
      "11.0.0.0-255.255.255.255",
    ]);
    const both = atomize([4, 6], [parseCidr("0.0.0.0/0"), parseCidr("2001:db8::/32")]);
    expect(both.map((a) => `${a.family}:${intervalToCidrs(a)[0]}`)).toEqual([
      "4:0.0.0.0/0",
      "6:::/3",
      "6:2001:db8::/32",
      "6:2001:db9::/32",
    ]);
    // Atoms cover the space exactly, without overlap.
    for (const family of [4, 6] as const) {
      const mine = both.filter((a) => a.family === family);
      expect(mine[0].lo).toBe(0n);
      expect(mine[mine.length - 1].hi).toBe(universe(family).hi);
      for (let i = 1; i < mine.length; i++) expect(mine[i].lo).toBe(mine[i - 1].hi + 1n);
    }
  });
});
