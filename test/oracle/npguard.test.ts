import { describe, expect, it } from "vitest";
import { canonicalFromNpGuardTxt, canonicalFromReachJson, canonicalLines, compareCanonical, formatConn, parseNpGuardConn } from "./npguard.js";

const ALL = { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] } as const;
const tcp = (...ranges: [number, number][]) => ({ TCP: ranges, UDP: [], SCTP: [] });

describe("np-guard normaliser", () => {
  it("reads and rewrites connection strings canonically", () => {
    expect(formatConn(parseNpGuardConn("UDP 53,TCP 80,8080-8081,SCTP 1-9002"))).toBe("SCTP 1-9002,TCP 80,8080-8081,UDP 53");
    expect(formatConn(parseNpGuardConn("All Connections"))).toBe("All Connections");
    expect(formatConn(parseNpGuardConn("SCTP 1-65535,TCP 1-65535,UDP 1-65535"))).toBe("All Connections");
    expect(formatConn(parseNpGuardConn("TCP 1-79,80,81-65535,UDP 1-65535,SCTP 1-65535"))).toBe("All Connections");
  });

  it("compares outside addresses as a function of the address, however each side splits them", () => {
    const theirs = canonicalFromNpGuardTxt(
      [
        "0.0.0.0-9.255.255.255[External] => ns/web[Deployment] : TCP 80",
        "10.0.0.0-10.0.255.255[External] => ns/web[Deployment] : TCP 80",
        "10.1.0.0-255.255.255.255[External] => ns/web[Deployment] : TCP 80",
        "ns/web[Deployment] => ns/db[StatefulSet] : TCP 5432",
        "{ingress-controller} => ns/web[Deployment] : TCP 8080",
      ].join("\n"),
    );
    const ours = canonicalFromReachJson({
      edges: [
        { from: "ip:0.0.0.0/5", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:8.0.0.0/7", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.0.0.0/16", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.1.0.0/16", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.2.0.0/15", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.4.0.0/14", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.8.0.0/13", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.16.0.0/12", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.32.0.0/11", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.64.0.0/10", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:10.128.0.0/9", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:11.0.0.0/8", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:12.0.0.0/6", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:16.0.0.0/4", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:32.0.0.0/3", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:64.0.0.0/2", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:128.0.0.0/1", to: "ns/Deployment/web", ports: tcp([80, 80]) },
        { from: "ip:::/0", to: "ns/Deployment/web", ports: ALL as never },
        { from: "ns/Deployment/web", to: "ns/StatefulSet/db", ports: tcp([5432, 5432]) },
        { from: "ns/Deployment/web", to: "ns/Deployment/web", ports: ALL as never },
      ],
    });
    expect(theirs.ingressControllerLines).toBe(1);
    expect(compareCanonical(theirs, ours)).toEqual([]);
    expect(canonicalLines(ours)).toEqual(["0.0.0.0-255.255.255.255 => ns/Deployment/web : TCP 80", "ns/Deployment/web => ns/StatefulSet/db : TCP 5432"]);
  });

  it("reports only the pieces that differ", () => {
    const theirs = canonicalFromNpGuardTxt("ns/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections");
    const ours = canonicalFromReachJson({
      edges: [
        { from: "ns/Deployment/web", to: "ip:0.0.0.0/1", ports: ALL as never },
        { from: "ns/Deployment/web", to: "ip:128.0.0.0/2", ports: tcp([1, 65535]) },
        { from: "ns/Deployment/web", to: "ns/Deployment/db", ports: tcp([1, 65535]) },
      ],
    });
    expect(compareCanonical(theirs, ours)).toEqual([
      "extra:   ns/Deployment/web => ns/Deployment/db : TCP 1-65535",
      "differs: ns/Deployment/web => 128.0.0.0-191.255.255.255 : np-guard All Connections | ours TCP 1-65535",
      "missing: ns/Deployment/web => 192.0.0.0-255.255.255.255 : All Connections",
    ]);
  });
});
