import { describe, expect, it } from "vitest";
import {
  canonicalFromDiffJson,
  canonicalFromNpGuardDiffTxt,
  canonicalFromNpGuardTxt,
  canonicalFromReachJson,
  canonicalLines,
  compareCanonical,
  compareDiffCanonical,
  diffCanonicalLines,
  formatConn,
  parseNpGuardConn,
  type DiffJson,
} from "./npguard.js";

const ALL = { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] } as const;
const tcp = (...ranges: [number, number][]) => ({
  TCP: ranges,
  UDP: [] as [number, number][],
  SCTP: [] as [number, number][],
});

describe("np-guard normaliser", () => {
  it("reads and rewrites connection strings canonically", () => {
    expect(formatConn(parseNpGuardConn("UDP 53,TCP 80,8080-8081,SCTP 1-9002"))).toBe(
      "SCTP 1-9002,TCP 80,8080-8081,UDP 53",
    );
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
    expect(canonicalLines(ours)).toEqual([
      "0.0.0.0-255.255.255.255 => ns/Deployment/web : TCP 80",
      "ns/Deployment/web => ns/StatefulSet/db : TCP 5432",
    ]);
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

describe("np-guard diff normaliser", () => {
  const golden = [
    "Connectivity diff:",
    "diff-type: changed, source: ns/web[Deployment], destination: ns/db[StatefulSet], ref1: TCP 5432,8080, ref2: UDP 53,TCP 5432",
    "diff-type: added, source: 0.0.0.0-9.255.255.255[External], destination: ns/new[Deployment], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload ns/new[Deployment] added",
    "diff-type: added, source: 11.0.0.0-255.255.255.255[External], destination: ns/new[Deployment], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload ns/new[Deployment] added",
    "diff-type: added, source: 10.0.0.0-10.255.255.255[External], destination: ns/new[Deployment], ref1: No Connections, ref2: TCP 80, workloads-diff-info: workload ns/new[Deployment] added",
    "diff-type: removed, source: ns/old[Deployment], destination: ns/web[Deployment], ref1: All Connections, ref2: No Connections, workloads-diff-info: workload ns/old[Deployment] removed",
    "diff-type: added, source: {ingress-controller}, destination: ns/new[Deployment], ref1: No Connections, ref2: TCP 8080, workloads-diff-info: workload ns/new[Deployment] added",
  ].join("\n");

  const exposure = (workload: string, port: number, kind = "Ingress", blockedBy: string | null = null) => ({
    workload,
    protocol: "TCP" as const,
    port,
    via: { kind },
    blockedBy,
  });

  const all = ALL as never;
  const json: DiffJson = {
    exposure: { changes: [{ base: null, head: exposure("ns/Deployment/new", 8080) }] },
    reachability: {
      changes: [
        {
          from: "ns/Deployment/web",
          to: "ns/StatefulSet/db",
          base: tcp([5432, 5432], [8080, 8080]),
          head: { TCP: [[5432, 5432]], UDP: [[53, 53]], SCTP: [] },
        },
        {
          from: [
            "ip:0.0.0.0/5",
            "ip:8.0.0.0/7",
            "ip:11.0.0.0/8",
            "ip:12.0.0.0/6",
            "ip:16.0.0.0/4",
            "ip:32.0.0.0/3",
            "ip:64.0.0.0/2",
            "ip:128.0.0.0/1",
            "ip:::/0",
          ],
          to: "ns/Deployment/new",
          base: {},
          head: all,
        },
        { from: ["ip:10.0.0.0/8"], to: "ns/Deployment/new", base: {}, head: all },
        { from: "ns/Deployment/old", to: "ns/Deployment/web", base: all, head: {} },
        { from: "ns/Deployment/new", to: "ns/Deployment/new", base: {}, head: all },
      ],
      workloads: { added: ["ns/Deployment/new", "ns/Deployment/idle"], removed: ["ns/Deployment/old"] },
    },
  };

  it("reads np-guard's diff lines (commas inside connections, re-split blocks, workloads-diff-info, the ingress controller)", () => {
    expect(diffCanonicalLines(canonicalFromNpGuardDiffTxt(golden))).toEqual([
      "0.0.0.0-9.255.255.255 => ns/Deployment/new : No Connections -> All Connections",
      "10.0.0.0-10.255.255.255 => ns/Deployment/new : No Connections -> TCP 80",
      "11.0.0.0-255.255.255.255 => ns/Deployment/new : No Connections -> All Connections",
      "ns/Deployment/old => ns/Deployment/web : All Connections -> No Connections",
      "ns/Deployment/web => ns/StatefulSet/db : TCP 5432,8080 -> TCP 5432,UDP 53",
      "workload ns/Deployment/new added",
      "workload ns/Deployment/old removed",
      "{ingress-controller} => ns/Deployment/new : No Connections -> TCP 8080",
    ]);
    expect(diffCanonicalLines(canonicalFromNpGuardDiffTxt(""))).toEqual([]);
  });

  it("refuses lines it cannot read, or whose type contradicts their connections", () => {
    expect(() =>
      canonicalFromNpGuardDiffTxt(
        "Connectivity diff:\ndiff-type: changed, source: a/b[Pod], destination: a/c[Pod], ref1: No Connections, ref2: TCP 1",
      ),
    ).toThrow(/is changed but/);
    expect(() => canonicalFromNpGuardDiffTxt("Connectivity diff:\nsomething else")).toThrow(/unexpected/);
    expect(() =>
      canonicalFromNpGuardDiffTxt(
        "diff-type: added, source: a/b[Pod], destination: a/c[Pod], ref1: No Connections, ref2: TCP 1",
      ),
    ).toThrow(/header/);
  });

  it("compares our diff JSON independently of how addresses are split; self edges and IPv6 dropped", () => {
    const theirs = canonicalFromNpGuardDiffTxt(golden);
    const ours = canonicalFromDiffJson(json);
    const differences = compareDiffCanonical(theirs, ours);
    expect(differences).toEqual([
      "differs: 10.0.0.0-10.255.255.255 => ns/Deployment/new : np-guard No Connections -> TCP 80 | ours No Connections -> All Connections",
    ]);
    const fixed = canonicalFromDiffJson({
      ...json,
      reachability: {
        ...json.reachability,
        changes: json.reachability.changes.map((c, i) => (i === 2 ? { ...c, head: tcp([80, 80]) } : c)),
      },
    });
    expect(compareDiffCanonical(theirs, fixed)).toEqual([]);
    const overlapping: DiffJson = {
      ...json,
      reachability: {
        ...json.reachability,
        changes: [
          { from: ["ip:10.0.0.0/7"], to: "ns/Deployment/new", base: {}, head: tcp([1, 1]) },
          ...json.reachability.changes,
        ],
      },
    };
    expect(() => canonicalFromDiffJson(overlapping)).toThrow(/two values/);
  });

  it("takes the ingress pairs from each side's exposures when given, else from the changes", () => {
    const sides = {
      base: [exposure("ns/Deployment/web", 80), exposure("ns/Deployment/web", 81, "LoadBalancer")],
      head: [
        exposure("ns/Deployment/web", 80),
        exposure("ns/Deployment/web", 443, "Route"),
        exposure("ns/Deployment/db", 1, "Ingress", "ns/NetworkPolicy/deny"),
      ],
    };
    const changes = { base: null, head: sides.head[1] };
    const input: DiffJson = {
      ...json,
      exposure: { changes: [changes] },
      reachability: { changes: [], workloads: { added: [], removed: [] } },
    };
    expect(diffCanonicalLines(canonicalFromDiffJson(input, sides))).toEqual([
      "{ingress-controller} => ns/Deployment/web : TCP 80 -> TCP 80,443",
    ]);
    // From the changes alone, port 80 (reached through an unchanged entry) is not seen.
    expect(diffCanonicalLines(canonicalFromDiffJson(input))).toEqual([
      "{ingress-controller} => ns/Deployment/web : No Connections -> TCP 443",
    ]);
  });
});
