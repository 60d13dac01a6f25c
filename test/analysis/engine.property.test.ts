// Property-based checks of the reachability engine against a direct, deliberately naive reading of
// the NetworkPolicy v1 rules for one pair and one port, plus algebraic properties of the diff.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffConnectivity } from "../../src/analysis/diff.js";
import { computeConnectivity, type Connectivity } from "../../src/analysis/reach.js";
import type { Protocol } from "../../src/core/port-set.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";

type Labels = Record<string, string>;
interface Pod {
  name: string;
  ns: string;
  labels: Labels;
  ports: { name: string; containerPort: number; protocol: Protocol }[];
}
interface Peer {
  podSelector?: Labels;
  namespaceSelector?: Labels;
}
interface PolicyPort {
  protocol: Protocol;
  port?: number | string;
  endPort?: number;
}
interface Rule {
  peers?: Peer[];
  ports?: PolicyPort[];
}
interface Policy {
  name: string;
  ns: string;
  podSelector: Labels;
  types?: ("Ingress" | "Egress")[];
  ingress?: Rule[];
  egress?: Rule[];
}
interface World {
  namespaces: Record<string, Labels>;
  pods: Pod[];
  policies: Policy[];
}

const NAMESPACES = ["red", "blue"];
const label = fc.record({ app: fc.constantFrom("a", "b", "c"), tier: fc.constantFrom("x", "y") }, { requiredKeys: [] });
const protocol = fc.constantFrom<Protocol>("TCP", "UDP", "SCTP");
const PORT_NAMES = ["http", "dns", "metrics"];

const pods = fc.uniqueArray(
  fc.record({
    name: fc.constantFrom("p1", "p2", "p3", "p4"),
    ns: fc.constantFrom(...NAMESPACES),
    labels: label,
    ports: fc.uniqueArray(
      fc.record({ name: fc.constantFrom(...PORT_NAMES), containerPort: fc.constantFrom(80, 53, 9090, 8080), protocol }),
      { selector: (p) => p.name, maxLength: 2 },
    ),
  }),
  { selector: (p) => `${p.ns}/${p.name}`, minLength: 1, maxLength: 4 },
);
const peer: fc.Arbitrary<Peer> = fc
  .record(
    { podSelector: label, namespaceSelector: fc.record({ env: fc.constantFrom("prod", "dev") }, { requiredKeys: [] }) },
    { requiredKeys: [] },
  )
  .filter((p) => p.podSelector !== undefined || p.namespaceSelector !== undefined);
const policyPort: fc.Arbitrary<PolicyPort> = fc.oneof(
  fc.record({ protocol }),
  fc.record({ protocol, port: fc.constantFrom(80, 53, 8080) }),
  fc.record({ protocol, port: fc.constantFrom(...PORT_NAMES) }),
  fc.record({ protocol, port: fc.constant(8000), endPort: fc.constant(9100) }),
);
const rule: fc.Arbitrary<Rule> = fc.record(
  { peers: fc.array(peer, { maxLength: 2 }), ports: fc.array(policyPort, { maxLength: 2 }) },
  { requiredKeys: [] },
);
const policy = fc.record(
  {
    name: fc.constantFrom("np1", "np2", "np3"),
    ns: fc.constantFrom(...NAMESPACES),
    podSelector: label,
    types: fc.subarray(["Ingress", "Egress"] as const),
    ingress: fc.array(rule, { maxLength: 2 }),
    egress: fc.array(rule, { maxLength: 2 }),
  },
  { requiredKeys: ["name", "ns", "podSelector"] },
);
const world: fc.Arbitrary<World> = fc.record({
  namespaces: fc.record({
    red: fc.record({ env: fc.constantFrom("prod", "dev") }, { requiredKeys: [] }),
    blue: fc.record({ env: fc.constantFrom("prod", "dev") }, { requiredKeys: [] }),
  }),
  pods,
  policies: fc.uniqueArray(policy, { selector: (p) => `${p.ns}/${p.name}`, maxLength: 4 }),
});

function manifests(w: World): string {
  const docs: object[] = [];
  for (const [name, labels] of Object.entries(w.namespaces))
    docs.push({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
  for (const p of w.pods)
    docs.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: p.name, namespace: p.ns, labels: p.labels },
      spec: { containers: [{ name: "c", ports: p.ports }] },
    });
  const rules = (rs: Rule[] | undefined, field: "from" | "to") =>
    rs?.map((r) => ({
      ...(r.peers
        ? {
            [field]: r.peers.map((x) => ({
              ...(x.podSelector ? { podSelector: { matchLabels: x.podSelector } } : {}),
              ...(x.namespaceSelector ? { namespaceSelector: { matchLabels: x.namespaceSelector } } : {}),
            })),
          }
        : {}),
      ...(r.ports ? { ports: r.ports } : {}),
    }));
  for (const p of w.policies)
    docs.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: p.name, namespace: p.ns },
      spec: {
        podSelector: { matchLabels: p.podSelector },
        ...(p.types ? { policyTypes: p.types } : {}),
        ...(p.ingress ? { ingress: rules(p.ingress, "from") } : {}),
        ...(p.egress ? { egress: rules(p.egress, "to") } : {}),
      },
    });
  return docs.map((d) => JSON.stringify(d)).join("\n---\n");
}

function connectivity(w: World): Connectivity {
  const diagnostics = new Diagnostics();
  const cluster = buildCluster(parseManifestText("world.yaml", manifests(w), diagnostics), {}, diagnostics);
  expect(diagnostics.items.filter((d) => d.severity === "error")).toEqual([]);
  return computeConnectivity(cluster, { families: [4] });
}

// ---- the reference: the spec's words, one pair and one port at a time ----
const subset = (sel: Labels, labels: Labels) => Object.entries(sel).every(([k, v]) => labels[k] === v);
const nsLabels = (w: World, ns: string) => ({ ...w.namespaces[ns], "kubernetes.io/metadata.name": ns });
function types(p: Policy) {
  if (p.types?.length) return p.types;
  return (p.egress?.length ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}
function peerMatches(w: World, p: Policy, x: Peer, other: Pod): boolean {
  const nsOk = x.namespaceSelector ? subset(x.namespaceSelector, nsLabels(w, other.ns)) : other.ns === p.ns;
  return nsOk && subset(x.podSelector ?? {}, other.labels);
}
function portMatches(pp: PolicyPort, dst: Pod, proto: Protocol, port: number): boolean {
  if (pp.protocol !== proto) return false;
  if (pp.port === undefined) return true;
  if (typeof pp.port === "number") return port >= pp.port && port <= (pp.endPort ?? pp.port);
  return dst.ports.some((c) => c.name === pp.port && c.protocol === proto && c.containerPort === port);
}
function sideAllows(
  w: World,
  direction: "Ingress" | "Egress",
  subject: Pod,
  other: Pod,
  dst: Pod,
  proto: Protocol,
  port: number,
): boolean {
  const selecting = w.policies.filter(
    (p) => p.ns === subject.ns && subset(p.podSelector, subject.labels) && types(p).includes(direction),
  );
  if (!selecting.length) return true;
  return selecting.some((p) =>
    ((direction === "Ingress" ? p.ingress : p.egress) ?? []).some(
      (r) =>
        (!r.peers?.length || r.peers.some((x) => peerMatches(w, p, x, other))) &&
        (!r.ports?.length || r.ports.some((pp) => portMatches(pp, dst, proto, port))),
    ),
  );
}
const reference = (w: World, src: Pod, dst: Pod, proto: Protocol, port: number) =>
  sideAllows(w, "Egress", src, dst, dst, proto, port) && sideAllows(w, "Ingress", dst, src, dst, proto, port);

const edgeSet = (c: Connectivity) => new Map(c.podEdges.map((e) => [`${e.from} ${e.to}`, e.conns]));
const PROBE_PORTS = [1, 53, 80, 8000, 8080, 9090, 9100, 9101, 65535];

describe("reachability engine properties", () => {
  it("agrees with a direct reading of the NetworkPolicy rules on every pair and port", () => {
    fc.assert(
      fc.property(world, (w) => {
        const edges = edgeSet(connectivity(w));
        for (const src of w.pods)
          for (const dst of w.pods)
            for (const proto of ["TCP", "UDP", "SCTP"] as const)
              for (const port of PROBE_PORTS) {
                const engine =
                  edges.get(`${src.ns}/Pod/${src.name} ${dst.ns}/Pod/${dst.name}`)?.get(proto).has(port) ?? false;
                expect(engine, `${src.ns}/${src.name} -> ${dst.ns}/${dst.name} ${proto} ${port}\n${manifests(w)}`).toBe(
                  reference(w, src, dst, proto, port),
                );
              }
      }),
      { numRuns: 150 },
    );
  });

  it("adding an allow rule never removes a connection", () => {
    fc.assert(
      fc.property(world, policy, (w, extra) => {
        const before = edgeSet(connectivity(w));
        const target = w.policies.find((p) => p.ns === extra.ns && p.name === extra.name);
        const widened: World = target
          ? {
              ...w,
              policies: w.policies.map((p) =>
                p === target
                  ? {
                      ...p,
                      ingress: [...(p.ingress ?? []), ...(extra.ingress ?? [])],
                      egress: [...(p.egress ?? []), ...(extra.egress ?? [])],
                      types: p.types,
                    }
                  : p,
              ),
            }
          : w;
        // Keep the policy's types as they were, so that the added rules only allow more.
        if (target && !target.types?.length && !target.egress?.length && (extra.egress?.length ?? 0) > 0) return;
        const after = edgeSet(connectivity(widened));
        for (const [key, conns] of before) expect(after.get(key)?.intersect(conns).equals(conns), key).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("a default-deny never adds a connection", () => {
    fc.assert(
      fc.property(world, fc.constantFrom(...NAMESPACES), (w, ns) => {
        const before = edgeSet(connectivity(w));
        const denied = edgeSet(
          connectivity({
            ...w,
            policies: [...w.policies, { name: "deny-all", ns, podSelector: {}, types: ["Ingress", "Egress"] }],
          }),
        );
        for (const [key, conns] of denied) expect(before.get(key)?.intersect(conns).equals(conns), key).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("diff(A, A) is empty and diff(A, B) added = diff(B, A) removed", () => {
    fc.assert(
      fc.property(world, world, (a, b) => {
        const ca = connectivity(a);
        const cb = connectivity(b);
        expect(diffConnectivity(ca, ca)).toEqual([]);
        const key = (c: { from: string; to: string; addresses?: readonly { lo: bigint; hi: bigint }[] }) =>
          `${c.from} ${c.to} ${(c.addresses ?? []).map((x) => `${x.lo}-${x.hi}`).join(",")}`;
        const added = diffConnectivity(ca, cb)
          .filter((c) => c.change === "added")
          .map(key)
          .sort();
        const removed = diffConnectivity(cb, ca)
          .filter((c) => c.change === "removed")
          .map(key)
          .sort();
        expect(added).toEqual(removed);
      }),
      { numRuns: 100 },
    );
  });
});
