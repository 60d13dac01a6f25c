// NetworkPolicy ports (reference section 5, "Ports").
import { describe, expect, it } from "vitest";
import { fixture, into, outOf, reach } from "../helpers/engine.js";

describe("ports", () => {
  const c = fixture("ports/numeric-and-ranges.yaml");

  it("a numeric port needs no containerPort declaration", () => {
    expect(reach(c, "prt/Deployment/client", "prt/Deployment/web")).toBe("TCP 9090");
  });

  it("endPort gives an inclusive range, per protocol; overlapping entries merge", () => {
    expect(reach(c, "prt/Deployment/client", "prt/Deployment/media")).toBe("TCP 32000-32768; UDP 5000-5010");
    const media = c.networkPolicies.find((p) => p.name === "media")!;
    expect(media.ingress[0].ports).toEqual([
      { protocol: "TCP", port: 32000, endPort: 32768 },
      { protocol: "UDP", port: 5000, endPort: 5010 },
      { protocol: "UDP", port: 5005, endPort: undefined },
    ]);
  });

  it("protocol defaults to TCP; UDP and SCTP are their own; a protocol without a port is that whole protocol", () => {
    expect(reach(c, "prt/Deployment/client", "prt/Deployment/diameter")).toBe("TCP 80; UDP all; SCTP 3868");
  });

  it("a rule without ports is every port of every protocol", () => {
    expect(reach(c, "prt/Deployment/client", "prt/Deployment/client")).toBe("all ports");
  });

  describe("named ports", () => {
    const n = fixture("ports/named-ports.yaml");

    it("resolve per destination pod, and only for the protocol the policy names", () => {
      // http is 8080 on api-a and 9090 on api-b; dns is TCP on api-a (the policy asks UDP) and UDP 5353 on api-b.
      expect(reach(n, "prt/Deployment/probe", "prt/Deployment/api-a")).toBe("TCP 8080");
      expect(reach(n, "prt/Deployment/probe", "prt/Deployment/api-b")).toBe("TCP 9090; UDP 5353");
      // api-c declares no ports: the names resolve to nothing.
      expect(reach(n, "prt/Deployment/probe", "prt/Deployment/api-c")).toBe("none");
    });

    it("in egress rules resolve against each destination, and never match outside addresses", () => {
      expect(outOf(n, "prt/Deployment/client")).toEqual([
        "prt/Deployment/api-a: TCP 8080",
        "prt/Deployment/api-b: TCP 9090",
      ]);
    });

    it("do not open anything to pods that lack the name", () => {
      expect(into(n, "prt/Deployment/api-c")).toEqual([]);
    });
  });
});
