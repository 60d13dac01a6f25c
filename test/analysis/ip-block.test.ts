// ipBlock peers: outside address blocks, `except` holes, both directions, IPv6; never pods.
import { describe, expect, it } from "vitest";
import { computeConnectivity } from "../../src/analysis/reach.js";
import { formatInterval } from "../../src/core/ip.js";
import { edges, fixture, into, outOf } from "../helpers/engine.js";

describe("ipBlock", () => {
  it("ingress from a block with an except: edges to ip: CIDRs split around the hole", () => {
    const c = fixture("ip-block/ingress-except.yaml");
    expect(into(c, "ipb/Deployment/web")).toEqual([
      "ip:10.0.0.0/16: TCP 443",
      "ip:10.128.0.0/9: TCP 443",
      "ip:10.16.0.0/12: TCP 443",
      "ip:10.2.0.0/15: TCP 443",
      "ip:10.32.0.0/11: TCP 443",
      "ip:10.4.0.0/14: TCP 443",
      "ip:10.64.0.0/10: TCP 443",
      "ip:10.8.0.0/13: TCP 443",
    ]);
    // Merged for people: one run of addresses on each side of the hole.
    const ipEdges = computeConnectivity(c).ipEdges.filter(
      (e) => e.workload === "ipb/Deployment/web" && e.direction === "ingress",
    );
    expect(ipEdges.map((e) => e.intervals.map(formatInterval))).toEqual([
      ["10.0.0.0-10.0.255.255", "10.2.0.0-10.255.255.255"],
    ]);
  });

  it("never matches pods: the client pod is not admitted by a 10.0.0.0/8 block", () => {
    const c = fixture("ip-block/ingress-except.yaml");
    expect(outOf(c, "ipb/Deployment/client")).toEqual(["ip:0.0.0.0/0: all ports", "ipb/Deployment/client: all ports"]);
  });

  it("egress to blocks, per rule ports, and 0.0.0.0/0 still not matching pods", () => {
    const c = fixture("ip-block/egress.yaml");
    expect(outOf(c, "ipb/Deployment/app")).toEqual(["ip:10.0.0.0/9: TCP 443", "ip:192.168.0.10/32: TCP 53; UDP 53"]);
    const peer = outOf(c, "ipb/Deployment/peer");
    // 0.0.0.0/0 minus one address is 32 blocks; the metadata address is not among them, and no pod is.
    expect(peer).toHaveLength(32);
    expect(peer.every((e) => e.startsWith("ip:") && e.endsWith(": all ports"))).toBe(true);
    expect(peer).toContain("ip:169.254.169.252/31: all ports");
    expect(peer).toContain("ip:169.254.169.255/32: all ports");
    expect(peer).not.toContain("ip:169.254.169.254/32: all ports");
    const run = computeConnectivity(c).ipEdges.filter(
      (e) => e.workload === "ipb/Deployment/peer" && e.direction === "egress",
    );
    expect(run.map((e) => e.intervals.map(formatInterval))).toEqual([
      ["0.0.0.0-169.254.169.253", "169.254.169.255-255.255.255.255"],
    ]);
  });

  it("IPv6 blocks: both families are modelled, the hole is cut out, IPv4 stays closed", () => {
    const c = fixture("ip-block/ipv6.yaml");
    expect(computeConnectivity(c).families).toEqual([4, 6]);
    const from = into(c, "ipb/Pod/web6");
    expect(from).toHaveLength(16);
    expect(from).toContain("ip:2001:db8::/48: all ports");
    expect(from).toContain("ip:2001:db8:2::/47: all ports");
    expect(from).toContain("ip:2001:db8:8000::/33: all ports");
    expect(from.some((e) => e.startsWith("ip:2001:db8:1::"))).toBe(false);
    expect(from.some((e) => /^ip:\d+\./.test(e))).toBe(false);
    const run = computeConnectivity(c).ipEdges.filter((e) => e.direction === "ingress");
    expect(run.map((e) => e.intervals.map(formatInterval))).toEqual([
      ["2001:db8::-2001:db8:0:ffff:ffff:ffff:ffff:ffff", "2001:db8:2::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"],
    ]);
    expect(outOf(c, "ipb/Pod/web6")).toEqual(["ip:0.0.0.0/0: all ports", "ip:::/0: all ports"]);
  });

  it("models IPv4 only when no policy names an IPv6 block", () => {
    expect(computeConnectivity(fixture("ip-block/egress.yaml")).families).toEqual([4]);
    expect(edges(fixture("ip-block/ingress-except.yaml"), { families: [4, 6] })).toContain(
      "ipb/Deployment/web -> ip:::/0: all ports",
    );
  });
});
