// The incremental reachability diff (only what a change touches is evaluated) must equal the full one
// (both sides' connectivity computed in full, then compared), for any pair of snapshots: random
// worlds of namespaces, pods, NetworkPolicies (pod and namespace selectors, matchExpressions, ipBlocks
// with except, named ports, ranges) and now and then an admin policy, and random pull requests on them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffConnectivity } from "../../src/analysis/diff.js";
import { causesOf, causeFinder, diffObjects } from "../../src/analysis/object-diff.js";
import { diffReach } from "../../src/analysis/reach-diff.js";
import { computeConnectivity, defaultFamilies } from "../../src/analysis/reach.js";
import type { Cluster } from "../../src/model/types.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";

type Labels = Record<string, string>;
type Doc = Record<string, unknown>;

const NAMESPACES = ["red", "blue", "green"];
const labels = fc.record(
  { app: fc.constantFrom("a", "b", "c"), tier: fc.constantFrom("x", "y") },
  { requiredKeys: [] },
);
const nsLabels = fc.record(
  { env: fc.constantFrom("prod", "dev"), team: fc.constantFrom("t1", "t2") },
  { requiredKeys: [] },
);
const protocol = fc.constantFrom("TCP", "UDP");
const PORT_NAMES = ["http", "dns", "metrics"];
const CIDRS = ["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/24", "0.0.0.0/0", "203.0.113.0/24", "fd00::/8"];

const selector = fc.oneof(
  labels.map((l) => ({ matchLabels: l })),
  fc
    .record({
      key: fc.constantFrom("app", "tier"),
      operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"),
      values: fc.subarray(["a", "b", "x"], { minLength: 1 }),
    })
    .map((e) => ({
      matchExpressions: [
        e.operator === "Exists" || e.operator === "DoesNotExist" ? { key: e.key, operator: e.operator } : e,
      ],
    })),
);
const ipBlock = fc
  .constantFrom(...CIDRS)
  .chain((cidr) =>
    fc.constantFrom<Doc>(
      { ipBlock: { cidr } },
      ...(cidr === "10.0.0.0/8" ? [{ ipBlock: { cidr, except: ["10.1.0.0/16"] } }] : []),
      ...(cidr === "0.0.0.0/0" ? [{ ipBlock: { cidr, except: ["10.0.0.0/8", "203.0.113.0/25"] } }] : []),
    ),
  );
const peer: fc.Arbitrary<Doc> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({
    namespaceSelector: fc.oneof(
      nsLabels.map((l) => ({ matchLabels: l })),
      fc.constant({
        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["red", "blue"] }],
      }),
    ),
  }),
  fc.record({ podSelector: selector, namespaceSelector: nsLabels.map((l) => ({ matchLabels: l })) }),
  ipBlock,
);
const port: fc.Arbitrary<Doc> = fc.oneof(
  fc.record({ protocol }),
  fc.record({ protocol, port: fc.constantFrom(80, 53, 8080) }),
  fc.record({ protocol, port: fc.constantFrom(...PORT_NAMES) }),
  fc.record({ protocol, port: fc.constant(8000), endPort: fc.constant(9100) }),
);
const rule = fc.record(
  { peers: fc.array(peer, { maxLength: 2 }), ports: fc.array(port, { maxLength: 2 }) },
  { requiredKeys: [] },
);

interface Pod {
  name: string;
  ns: string;
  labels: Labels;
  ports: { name: string; containerPort: number; protocol: string }[];
  hostNetwork: boolean;
}
interface Policy {
  name: string;
  ns: string;
  podSelector: Doc;
  types?: string[];
  ingress?: { peers?: Doc[]; ports?: Doc[] }[];
  egress?: { peers?: Doc[]; ports?: Doc[] }[];
}
interface Admin {
  name: string;
  tier: "admin" | "baseline";
  priority: number;
  subject: Labels;
  action: "Allow" | "Deny" | "Pass";
  direction: "ingress" | "egress";
  peer: Doc;
  port?: number;
}
interface World {
  namespaces: Record<string, Labels>;
  pods: Pod[];
  policies: Policy[];
  admins: Admin[];
}

const pod = fc.record({
  name: fc.constantFrom("p1", "p2", "p3", "p4", "p5"),
  ns: fc.constantFrom(...NAMESPACES),
  labels,
  ports: fc.uniqueArray(
    fc.record({ name: fc.constantFrom(...PORT_NAMES), containerPort: fc.constantFrom(80, 53, 9090, 8080), protocol }),
    { selector: (p) => p.name, maxLength: 2 },
  ),
  hostNetwork: fc.boolean().map((b) => b && Math.random() < 0.3),
});
const policy: fc.Arbitrary<Policy> = fc.record(
  {
    name: fc.constantFrom("np1", "np2", "np3", "np4"),
    ns: fc.constantFrom(...NAMESPACES),
    podSelector: fc.oneof(fc.constant({}), selector),
    types: fc.subarray(["Ingress", "Egress"]),
    ingress: fc.array(rule, { maxLength: 2 }),
    egress: fc.array(rule, { maxLength: 2 }),
  },
  { requiredKeys: ["name", "ns", "podSelector"] },
);
const admin: fc.Arbitrary<Admin> = fc.record({
  name: fc.constantFrom("anp1", "anp2"),
  tier: fc.constantFrom("admin", "baseline"),
  priority: fc.integer({ min: 1, max: 3 }),
  subject: nsLabels,
  action: fc.constantFrom("Allow", "Deny", "Pass"),
  direction: fc.constantFrom("ingress", "egress"),
  peer: fc.oneof(
    nsLabels.map((l) => ({ namespaces: { matchLabels: l } })),
    fc.constantFrom("10.0.0.0/8", "0.0.0.0/0").map((c) => ({ networks: [c] })),
  ),
  port: fc.option(fc.constantFrom(80, 53), { nil: undefined }),
});
const world: fc.Arbitrary<World> = fc.record({
  namespaces: fc.record({ red: nsLabels, blue: nsLabels, green: nsLabels }),
  pods: fc.uniqueArray(pod, { selector: (p) => `${p.ns}/${p.name}`, minLength: 1, maxLength: 8 }),
  policies: fc.uniqueArray(policy, { selector: (p) => `${p.ns}/${p.name}`, maxLength: 7 }),
  admins: fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as Admin[]) },
    { weight: 1, arbitrary: fc.uniqueArray(admin, { selector: (a) => `${a.tier}/${a.name}`, maxLength: 2 }) },
  ),
});

/** A pull request: any mix of changed namespace labels, pods and policies. */
function mutate(w: World): fc.Arbitrary<World> {
  return fc
    .record({
      relabel: fc.option(fc.record({ ns: fc.constantFrom(...NAMESPACES), labels: nsLabels }), { nil: undefined }),
      dropPod: fc.option(fc.nat(), { nil: undefined }),
      changePod: fc.option(fc.record({ i: fc.nat(), labels }), { nil: undefined }),
      addPod: fc.option(pod, { nil: undefined }),
      dropPolicy: fc.option(fc.nat(), { nil: undefined }),
      changePolicy: fc.option(fc.record({ i: fc.nat(), with: policy }), { nil: undefined }),
      addPolicy: fc.option(policy, { nil: undefined }),
      admins: fc.option(fc.uniqueArray(admin, { selector: (a) => `${a.tier}/${a.name}`, maxLength: 2 }), {
        nil: undefined,
      }),
    })
    .map((m) => {
      const next: World = structuredClone(w);
      if (m.relabel) next.namespaces[m.relabel.ns] = m.relabel.labels;
      if (m.changePod && next.pods.length) next.pods[m.changePod.i % next.pods.length].labels = m.changePod.labels;
      if (m.dropPod !== undefined && next.pods.length > 1) next.pods.splice(m.dropPod % next.pods.length, 1);
      if (m.addPod && !next.pods.some((p) => p.ns === m.addPod!.ns && p.name === m.addPod!.name))
        next.pods.push(m.addPod);
      if (m.changePolicy && next.policies.length) {
        const i = m.changePolicy.i % next.policies.length;
        next.policies[i] = { ...m.changePolicy.with, name: next.policies[i].name, ns: next.policies[i].ns };
      }
      if (m.dropPolicy !== undefined && next.policies.length)
        next.policies.splice(m.dropPolicy % next.policies.length, 1);
      if (m.addPolicy && !next.policies.some((p) => p.ns === m.addPolicy!.ns && p.name === m.addPolicy!.name))
        next.policies.push(m.addPolicy);
      if (m.admins) next.admins = m.admins;
      return next;
    });
}

function documents(w: World): Doc[] {
  const docs: Doc[] = [];
  for (const [name, l] of Object.entries(w.namespaces))
    docs.push({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: l } });
  for (const p of w.pods)
    docs.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: p.name, namespace: p.ns, labels: p.labels },
      spec: { hostNetwork: p.hostNetwork, containers: [{ name: "c", ports: p.ports }] },
    });
  const rules = (rs: Policy["ingress"], field: "from" | "to") =>
    rs?.map((r) => ({ ...(r.peers ? { [field]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
  for (const p of w.policies)
    docs.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: p.name, namespace: p.ns },
      spec: {
        podSelector: p.podSelector,
        ...(p.types ? { policyTypes: p.types } : {}),
        ...(p.ingress ? { ingress: rules(p.ingress, "from") } : {}),
        ...(p.egress ? { egress: rules(p.egress, "to") } : {}),
      },
    });
  for (const a of w.admins) {
    const r: Doc = {
      name: "r",
      action: a.tier === "baseline" && a.action === "Pass" ? "Deny" : a.action,
      [a.direction === "ingress" ? "from" : "to"]: [
        a.direction === "ingress" && "networks" in a.peer ? { namespaces: {} } : a.peer,
      ],
    };
    if (a.port) r.ports = [{ portNumber: { protocol: "TCP", port: a.port } }];
    docs.push({
      apiVersion: "policy.networking.k8s.io/v1alpha1",
      kind: a.tier === "admin" ? "AdminNetworkPolicy" : "BaselineAdminNetworkPolicy",
      metadata: { name: a.tier === "admin" ? a.name : "default" },
      spec: {
        ...(a.tier === "admin" ? { priority: a.priority } : {}),
        subject: { namespaces: { matchLabels: a.subject } },
        [a.direction]: [r],
      },
    });
  }
  return docs;
}

function cluster(w: World): Cluster {
  const diagnostics = new Diagnostics();
  const text = documents(w)
    .map((d) => JSON.stringify(d))
    .join("\n---\n");
  return buildCluster(parseManifestText("world.yaml", text, diagnostics), {}, diagnostics);
}

function check(bw: World, hw: World): void {
  const base = cluster(bw);
  const head = cluster(hw);
  const families = [...new Set([...defaultFamilies(base), ...defaultFamilies(head)])].sort();
  const full = diffConnectivity(computeConnectivity(base, { families }), computeConnectivity(head, { families }));
  const incremental = diffReach(base, head, families);
  expect(incremental.connections).toEqual(full);
  expect(incremental.classes.base).toBe(computeConnectivity(base, { families }).classes);
  const objects = diffObjects(base, head);
  const finder = causeFinder(objects, base, head);
  for (const c of full) expect(finder(c.from, c.to)).toEqual(causesOf(c.from, c.to, objects, base, head));
}

describe("incremental reachability diff", () => {
  it("equals the diff of the full connectivity of both sides", () => {
    fc.assert(
      fc.property(
        world.chain((w) => fc.tuple(fc.constant(w), mutate(w))),
        ([b, h]) => check(b, h),
      ),
      { numRuns: 400 },
    );
  });

  it("reports nothing for an unchanged snapshot, and reads the full connectivity only when asked", () => {
    fc.assert(
      fc.property(world, (w) => {
        const c = cluster(w);
        const r = diffReach(c, c, [4, 6]);
        expect(r.connections).toEqual([]);
        expect(r.connectivity.head.podEdges).toEqual(computeConnectivity(c, { families: [4, 6] }).podEdges);
        expect(r.connectivity.base.ipEdges).toEqual(computeConnectivity(c, { families: [4, 6] }).ipEdges);
      }),
      { numRuns: 100 },
    );
  });

  it("answers one pair (between) as the full connectivity does", () => {
    fc.assert(
      fc.property(world, (w) => {
        const c = cluster(w);
        const pairs = diffReach(c, c, [4]).connectivity.head;
        const full = computeConnectivity(c, { families: [4] });
        const edges = new Map(full.podEdges.map((e) => [`${e.from} ${e.to}`, e.conns.toString()]));
        const ids = c.workloads.map((x) => x.id);
        for (const from of [...ids, "ns/Deployment/unknown"])
          for (const to of ids) {
            const conns = pairs.between(from, to);
            expect(conns.isEmpty() ? undefined : conns.toString()).toBe(edges.get(`${from} ${to}`));
            expect(full.between(from, to).toString()).toBe(conns.toString());
          }
      }),
      { numRuns: 150 },
    );
  });
});
