import { describe, expect, it } from "vitest";
import { ConnSet, isProtocol, PortSet } from "../../src/core/port-set.js";

const ps = (...ranges: [number, number][]) => PortSet.of(ranges);

describe("PortSet", () => {
  it("normalises ranges: sorted, clamped to 1..65535, overlapping and adjacent ones merged", () => {
    expect(ps([90, 100], [1, 5], [6, 10], [95, 120], [200, 199]).toJSON()).toEqual([
      [1, 10],
      [90, 120],
    ]);
    expect(ps([0, 3], [65530, 70000]).toJSON()).toEqual([
      [1, 3],
      [65530, 65535],
    ]);
    expect(PortSet.range(0).isEmpty()).toBe(true);
    expect(PortSet.range(70000).isEmpty()).toBe(true);
    expect(PortSet.range(80).toJSON()).toEqual([[80, 80]]);
    expect(PortSet.range(1, 65535).isAll()).toBe(true);
  });

  it("unions, intersects and subtracts", () => {
    const a = ps([1, 100], [200, 300]);
    const b = ps([50, 250], [400, 400]);
    expect(a.union(b).toJSON()).toEqual([
      [1, 300],
      [400, 400],
    ]);
    expect(a.intersect(b).toJSON()).toEqual([
      [50, 100],
      [200, 250],
    ]);
    expect(a.subtract(b).toJSON()).toEqual([
      [1, 49],
      [251, 300],
    ]);
    expect(b.subtract(a).toJSON()).toEqual([
      [101, 199],
      [400, 400],
    ]);
    expect(PortSet.ALL.subtract(ps([80, 80], [443, 443])).toJSON()).toEqual([
      [1, 79],
      [81, 442],
      [444, 65535],
    ]);
    expect(ps([80, 80]).subtract(PortSet.ALL).isEmpty()).toBe(true);
    expect(a.intersect(PortSet.EMPTY).isEmpty()).toBe(true);
    expect(a.intersect(PortSet.ALL).equals(a)).toBe(true);
    expect(PortSet.ALL.intersect(a).equals(a)).toBe(true);
    expect(
      ps([1, 10], [20, 30], [40, 50])
        .intersect(ps([5, 45]))
        .toJSON(),
    ).toEqual([
      [5, 10],
      [20, 30],
      [40, 45],
    ]);
  });

  it("answers membership and prints itself", () => {
    const a = ps([80, 80], [8000, 8080]);
    expect(a.has(80)).toBe(true);
    expect(a.has(81)).toBe(false);
    expect(a.has(8080)).toBe(true);
    expect(a.toString()).toBe("80,8000-8080");
    expect(PortSet.EMPTY.toString()).toBe("");
  });

  it("holds set laws on random ranges", () => {
    // A small exhaustive model: sets of ports 1..64 as bitmaps.
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const randomSet = () =>
      ps(
        ...Array.from({ length: rnd(4) }, () => {
          const a = 1 + rnd(64);
          return [a, a + rnd(10)] as [number, number];
        }),
      );
    const bits = (s: PortSet) => Array.from({ length: 80 }, (_, i) => s.has(i + 1));
    for (let i = 0; i < 300; i++) {
      const a = randomSet();
      const b = randomSet();
      const [x, y] = [bits(a), bits(b)];
      expect(bits(a.union(b))).toEqual(x.map((v, j) => v || y[j]));
      expect(bits(a.intersect(b))).toEqual(x.map((v, j) => v && y[j]));
      expect(bits(a.subtract(b))).toEqual(x.map((v, j) => v && !y[j]));
      // The normal form is unique: equal sets print equally.
      expect(a.union(b).equals(b.union(a))).toBe(true);
    }
  });
});

describe("ConnSet", () => {
  it("keeps one port set per protocol", () => {
    const web = ConnSet.ports("TCP", PortSet.range(80));
    const dns = ConnSet.of({ UDP: PortSet.range(53), TCP: PortSet.range(53) });
    expect(web.union(dns).toString()).toBe("TCP 53,80; UDP 53");
    expect(web.intersect(dns).isEmpty()).toBe(true);
    expect(dns.subtract(ConnSet.ports("UDP", PortSet.ALL)).toString()).toBe("TCP 53");
    expect(ConnSet.ALL.toString()).toBe("all ports");
    expect(ConnSet.NONE.toString()).toBe("no ports");
    expect(ConnSet.ports("SCTP", PortSet.ALL).toString()).toBe("SCTP all");
    expect(ConnSet.ALL.subtract(ConnSet.ports("TCP", PortSet.range(443))).toString()).toBe(
      "TCP 1-442,444-65535; UDP all; SCTP all",
    );
  });

  it("round-trips through its JSON shape", () => {
    const c = ConnSet.of({
      TCP: PortSet.of([
        [80, 80],
        [443, 443],
      ]),
      SCTP: PortSet.range(3868),
    });
    expect(c.toJSON()).toEqual({
      TCP: [
        [80, 80],
        [443, 443],
      ],
      UDP: [],
      SCTP: [[3868, 3868]],
    });
    expect(ConnSet.fromJSON(c.toJSON()).equals(c)).toBe(true);
    expect(ConnSet.fromJSON({ UDP: [[53, 53]] }).toString()).toBe("UDP 53");
    expect(JSON.parse(JSON.stringify(ConnSet.ALL))).toEqual({
      TCP: [[1, 65535]],
      UDP: [[1, 65535]],
      SCTP: [[1, 65535]],
    });
  });

  it("knows the protocols", () => {
    expect(["TCP", "UDP", "SCTP", "tcp", "ICMP", 6].map(isProtocol)).toEqual([true, true, true, false, false, false]);
  });
});
