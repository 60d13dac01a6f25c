// Property-based check of the Calico tiers of the policy evaluator against a direct, deliberately naive reading
// of Calico's documented evaluation for one pair and one port: tiers by order; in a tier, the policies that apply
// to the endpoint by order then name, their rules in order, the first match deciding (Allow, Deny, Pass to the
// next tier, Log going on); a tier that applies but decides nothing ends in its defaultAction; the Kubernetes
// NetworkPolicies are allow-only policies of the default tier at order 1000; with no tier deciding, allowed.
// Selectors are generated as trees, written as text (parsed by the engine) and matched here from the trees.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explain } from "../../src/analysis/explain.js";
import type { Protocol } from "../../src/core/port-set.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";

type Labels = Record<string, string>;
type Sel =
  | { op: "all" }
  | { op: "eq" | "ne"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] }
  | { op: "has" | "nothas"; key: string }
  | { op: "and" | "or"; args: [Sel, Sel] };
interface Entity {
  selector?: Sel;
  notSelector?: Sel;
  namespaceSelector?: Sel;
  serviceAccounts?: string[];
  nets?: string[];
  notNets?: string[];
}
interface Rule {
  action: "Allow" | "Deny" | "Pass" | "Log";
  protocol?: "TCP" | "UDP";
  ports?: ("80" | "400:500")[];
  notPorts?: "443"[];
  peer: Entity;
}
interface Policy {
  name: string;
  /** undefined: a GlobalNetworkPolicy. */
  ns?: string;
  tier: "t1" | "default";
  order?: number;
  selector: Sel;
  types?: ("Ingress" | "Egress")[];
  ingress: Rule[];
  egress: Rule[];
}
interface K8sPolicy {
  name: string;
  ns: string;
  podSelector: Labels;
  from?: Labels;
  port?: number;
}
interface Pod {
  name: string;
  ns: string;
  labels: Labels;
  sa: string;
}
/** An outside address, as a peer. */
interface Ip {
  ip: string;
}
type Peer = Pod | Ip;
const IPS: Ip[] = [{ ip: "8.8.8.8" }, { ip: "10.1.2.3" }, { ip: "10.2.0.1" }];

/** Whether a dotted IPv4 address is in a CIDR. */
function inCidr(ip: string, cidr: string): boolean {
  const n = (a: string) => a.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

const NS = ["a", "b"];
const NS_LABELS: Record<string, Labels> = { a: { env: "prod" }, b: {} };
const KEYS = ["app", "tier", "env"];
const VALUES = ["x", "y", "prod"];

const leaf: fc.Arbitrary<Sel> = fc.oneof(
  fc.constant<Sel>({ op: "all" }),
  fc.record({
    op: fc.constantFrom<"eq" | "ne">("eq", "ne"),
    key: fc.constantFrom(...KEYS),
    value: fc.constantFrom(...VALUES),
  }),
  fc.record({
    op: fc.constantFrom<"in" | "notin">("in", "notin"),
    key: fc.constantFrom(...KEYS),
    values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ op: fc.constantFrom<"has" | "nothas">("has", "nothas"), key: fc.constantFrom(...KEYS) }),
);
const sel: fc.Arbitrary<Sel> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constantFrom<"and" | "or">("and", "or"), args: fc.tuple(leaf, leaf) }),
  },
);

function text(s: Sel): string {
  switch (s.op) {
    case "all":
      return "all()";
    case "eq":
      return `${s.key} == '${s.value}'`;
    case "ne":
      return `${s.key}!="${s.value}"`;
    case "in":
      return `${s.key} in {${s.values.map((v) => `'${v}'`).join(",")}}`;
    case "notin":
      return `${s.key} not in { ${s.values.map((v) => `"${v}"`).join(", ")} }`;
    case "has":
      return `has(${s.key})`;
    case "nothas":
      return `!has(${s.key})`;
    case "and":
      return `(${text(s.args[0])}) && ${text(s.args[1])}`;
    case "or":
      return `${text(s.args[0])} || (${text(s.args[1])})`;
  }
}

function match(s: Sel, l: Labels): boolean {
  switch (s.op) {
    case "all":
      return true;
    case "eq":
      return l[s.key] === s.value;
    case "ne":
      return l[s.key] !== s.value;
    case "in":
      return s.key in l && s.values.includes(l[s.key]);
    case "notin":
      return !(s.key in l) || !s.values.includes(l[s.key]);
    case "has":
      return s.key in l;
    case "nothas":
      return !(s.key in l);
    case "and":
      return match(s.args[0], l) && match(s.args[1], l);
    case "or":
      return match(s.args[0], l) || match(s.args[1], l);
  }
}

// Entities that name pods, and entities that name addresses (or nothing: every peer).
const entity: fc.Arbitrary<Entity> = fc.oneof(
  fc.record(
    { selector: sel, notSelector: sel, namespaceSelector: sel, serviceAccounts: fc.constant<string[]>(["sa1"]) },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      nets: fc.subarray(["10.0.0.0/8", "0.0.0.0/0"], { minLength: 1 }),
      notNets: fc.constant<string[]>(["10.1.0.0/16"]),
      notSelector: sel,
    },
    { requiredKeys: [] },
  ),
);
const rule: fc.Arbitrary<Rule> = fc
  .record({
    action: fc.constantFrom<Rule["action"]>("Allow", "Deny", "Pass", "Log"),
    protocol: fc.option(fc.constantFrom<"TCP" | "UDP">("TCP", "UDP"), { nil: undefined }),
    ports: fc.option(fc.subarray<"80" | "400:500">(["80", "400:500"], { minLength: 1 }), { nil: undefined }),
    notPorts: fc.option(fc.constant<"443"[]>(["443"]), { nil: undefined }),
    peer: entity,
  })
  // Calico refuses ports without a protocol.
  .map((r) => (r.protocol ? r : { ...r, ports: undefined, notPorts: undefined }));
const policy = (i: number): fc.Arbitrary<Policy> =>
  fc.record({
    name: fc.constant(`p${i}`),
    ns: fc.option(fc.constantFrom(...NS), { nil: undefined }),
    tier: fc.constantFrom<"t1" | "default">("t1", "default"),
    order: fc.option(fc.constantFrom(100, 1500), { nil: undefined }),
    selector: sel,
    types: fc.option(fc.subarray<"Ingress" | "Egress">(["Ingress", "Egress"]), { nil: undefined }),
    ingress: fc.array(rule, { maxLength: 2 }),
    egress: fc.array(rule, { maxLength: 2 }),
  });
const k8s: fc.Arbitrary<K8sPolicy> = fc.record(
  {
    name: fc.constant("np"),
    ns: fc.constantFrom(...NS),
    podSelector: fc.dictionary(fc.constantFrom("app"), fc.constantFrom("x", "y"), { maxKeys: 1 }),
    from: fc.dictionary(fc.constantFrom("tier"), fc.constantFrom("x", "y"), { maxKeys: 1 }),
    port: fc.constantFrom(80, 443),
  },
  { requiredKeys: ["name", "ns", "podSelector"] },
);
const world = fc.record({
  pods: fc.tuple(
    ...[0, 1, 2, 3].map((i) =>
      fc.record({
        name: fc.constant(`w${i}`),
        ns: fc.constantFrom(...NS),
        labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("x", "y"), { maxKeys: 2 }),
        sa: fc.constantFrom("sa1", "sa2"),
      }),
    ),
  ),
  policies: fc.tuple(policy(0), policy(1), policy(2), policy(3)).chain((ps) => fc.subarray(ps)),
  npolicies: fc.array(k8s, { maxLength: 1 }),
  t1: fc.record({ order: fc.constantFrom(100, 5_000_000), defaultAction: fc.constantFrom("Deny", "Pass") }),
});

function types(p: Policy): ("Ingress" | "Egress")[] {
  if (p.types) return p.types;
  return [
    ...(p.ingress.length > 0 || p.egress.length === 0 ? (["Ingress"] as const) : []),
    ...(p.egress.length > 0 ? (["Egress"] as const) : []),
  ];
}

function entityMatches(p: Policy, e: Entity, peer: Peer): boolean {
  const scoped = !!(e.selector || e.serviceAccounts || e.namespaceSelector || (e.notSelector && p.ns !== undefined));
  if ("ip" in peer) {
    if (scoped) return false;
    if (e.nets && !e.nets.some((n) => inCidr(peer.ip, n))) return false;
    if (e.notNets?.some((n) => inCidr(peer.ip, n))) return false;
    return true;
  }
  const pod = peer;
  // Pod addresses are unknown: only a net holding every address names them.
  if (e.nets && !e.nets.includes("0.0.0.0/0")) return false;
  if (e.notNets?.includes("0.0.0.0/0")) return false;
  if (e.namespaceSelector) {
    if (!match(e.namespaceSelector, { ...NS_LABELS[pod.ns], "projectcalico.org/name": pod.ns })) return false;
  } else if (scoped && p.ns !== undefined && pod.ns !== p.ns) return false;
  if (e.selector && !match(e.selector, pod.labels)) return false;
  if (e.notSelector && match(e.notSelector, pod.labels)) return false;
  if (e.serviceAccounts && !e.serviceAccounts.includes(pod.sa)) return false;
  return true;
}

function portMatches(r: Rule, protocol: Protocol, port: number): boolean {
  if (r.protocol && r.protocol !== protocol) return false;
  const inPorts = (list: string[]) =>
    list.some((p) => {
      const [from, to] = p.split(":").map(Number);
      return port >= from && port <= (to ?? from);
    });
  if (r.ports && !inPorts(r.ports)) return false;
  if (r.notPorts && inPorts(r.notPorts)) return false;
  return true;
}

type Item = { order: number; name: string; decide: () => "applies" | "no" | Rule["action"] };

function naiveSide(
  w: { policies: Policy[]; npolicies: K8sPolicy[]; t1: { order: number; defaultAction: string } },
  subject: Pod,
  peer: Peer,
  dir: "ingress" | "egress",
  protocol: Protocol,
  port: number,
): boolean {
  const calicoItem = (p: Policy): Item => ({
    order: p.order ?? Number.POSITIVE_INFINITY,
    name: p.name,
    decide: () => {
      const applies =
        types(p).includes(dir === "ingress" ? "Ingress" : "Egress") &&
        (p.ns === undefined || p.ns === subject.ns) &&
        match(p.selector, subject.labels);
      if (!applies) return "no";
      for (const r of p[dir]) {
        if (!portMatches(r, protocol, port) || !entityMatches(p, r.peer, peer)) continue;
        if (r.action === "Log") continue;
        return r.action;
      }
      return "applies";
    },
  });
  const k8sItem = (np: K8sPolicy): Item => ({
    order: 1000,
    name: `knp.default.${np.name}`,
    decide: () => {
      if (dir !== "ingress" || np.ns !== subject.ns) return "no";
      if (!Object.entries(np.podSelector).every(([k, v]) => subject.labels[k] === v)) return "no";
      const from = np.from ?? {};
      const peerOk =
        !("ip" in peer) && peer.ns === np.ns && Object.entries(from).every(([k, v]) => peer.labels[k] === v);
      const portOk = np.port === undefined || (protocol === "TCP" && np.port === port);
      return peerOk && portOk ? "Allow" : "applies";
    },
  });
  const tiers = [
    { order: w.t1.order, defaultAction: w.t1.defaultAction, tier: "t1" },
    { order: 1_000_000, defaultAction: "Deny", tier: "default" },
  ].sort((x, y) => x.order - y.order);
  for (const t of tiers) {
    const items = [
      ...w.policies.filter((p) => p.tier === t.tier).map(calicoItem),
      ...(t.tier === "default" ? w.npolicies.map(k8sItem) : []),
    ].sort((x, y) => x.order - y.order || (x.name < y.name ? -1 : 1));
    let applies = false;
    let passed = false;
    for (const item of items) {
      const d = item.decide();
      if (d === "no") continue;
      applies = true;
      if (d === "Allow") return true;
      if (d === "Deny") return false;
      if (d === "Pass") {
        passed = true;
        break;
      }
    }
    if (passed || !applies) continue;
    if (t.defaultAction === "Deny") return false;
  }
  return true;
}

function entityYaml(e: Entity): Record<string, unknown> {
  return {
    ...(e.selector ? { selector: text(e.selector) } : {}),
    ...(e.notSelector ? { notSelector: text(e.notSelector) } : {}),
    ...(e.nets ? { nets: e.nets } : {}),
    ...(e.notNets ? { notNets: e.notNets } : {}),
    ...(e.namespaceSelector ? { namespaceSelector: text(e.namespaceSelector) } : {}),
    ...(e.serviceAccounts ? { serviceAccounts: { names: e.serviceAccounts } } : {}),
  };
}

function ruleYaml(r: Rule, dir: "ingress" | "egress"): Record<string, unknown> {
  const dst = { ...(r.ports ? { ports: r.ports } : {}), ...(r.notPorts ? { notPorts: r.notPorts.map(Number) } : {}) };
  const peer = entityYaml(r.peer);
  return {
    action: r.action,
    ...(r.protocol ? { protocol: r.protocol } : {}),
    ...(dir === "ingress" ? { source: peer, destination: dst } : { destination: { ...peer, ...dst } }),
  };
}

function manifests(w: {
  pods: readonly Pod[];
  policies: Policy[];
  npolicies: K8sPolicy[];
  t1: { order: number; defaultAction: string };
}): string {
  const docs: unknown[] = [
    ...NS.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: NS_LABELS[name] } })),
    ...w.pods.map((p) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: p.name, namespace: p.ns, labels: p.labels },
      spec: { serviceAccountName: p.sa, containers: [{ name: "c", image: "x" }] },
    })),
    { apiVersion: "projectcalico.org/v3", kind: "Tier", metadata: { name: "t1" }, spec: w.t1 },
    ...w.policies.map((p) => ({
      apiVersion: "projectcalico.org/v3",
      kind: p.ns === undefined ? "GlobalNetworkPolicy" : "NetworkPolicy",
      metadata: { name: p.name, ...(p.ns ? { namespace: p.ns } : {}) },
      spec: {
        tier: p.tier,
        ...(p.order !== undefined ? { order: p.order } : {}),
        selector: text(p.selector),
        ...(p.types ? { types: p.types } : {}),
        ...(p.ingress.length ? { ingress: p.ingress.map((r) => ruleYaml(r, "ingress")) } : {}),
        ...(p.egress.length ? { egress: p.egress.map((r) => ruleYaml(r, "egress")) } : {}),
      },
    })),
    ...w.npolicies.map((np) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: np.name, namespace: np.ns },
      spec: {
        podSelector: { matchLabels: np.podSelector },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: np.from ?? {} } }],
            ...(np.port !== undefined ? { ports: [{ port: np.port }] } : {}),
          },
        ],
      },
    })),
  ];
  return docs.map((d) => JSON.stringify(d)).join("\n---\n");
}

describe("the Calico tiers against a naive per-pair reading", () => {
  it("agrees on every pair, protocol and port", () => {
    fc.assert(
      fc.property(world, (w) => {
        const d = new Diagnostics();
        const cluster = buildCluster(parseManifestText("gen.yaml", manifests(w), d), {}, d);
        expect(d.items.filter((x) => x.severity !== "info")).toEqual([]);
        for (const src of w.pods)
          for (const dst of w.pods)
            for (const protocol of ["TCP", "UDP"] as const)
              for (const port of [80, 443, 450, 8080]) {
                const expected =
                  naiveSide(w, src, dst, "egress", protocol, port) && naiveSide(w, dst, src, "ingress", protocol, port);
                const got = !explain(cluster, `${src.ns}/Pod/${src.name}`, `${dst.ns}/Pod/${dst.name}`, {
                  protocol,
                  port,
                }).allowed.isEmpty();
                if (got !== expected)
                  throw new Error(
                    `${src.ns}/${src.name} -> ${dst.ns}/${dst.name} ${protocol} ${port}: engine ${got}, reference ${expected}\n${manifests(w)}`,
                  );
              }
        // Outside addresses: only the pod's side decides.
        for (const pod of w.pods)
          for (const ip of IPS)
            for (const port of [80, 450]) {
              const id = `${pod.ns}/Pod/${pod.name}`;
              const inbound = !explain(cluster, `ip:${ip.ip}`, id, { protocol: "TCP", port }).allowed.isEmpty();
              const outbound = !explain(cluster, id, `ip:${ip.ip}`, { protocol: "TCP", port }).allowed.isEmpty();
              const expectIn = naiveSide(w, pod, ip, "ingress", "TCP", port);
              const expectOut = naiveSide(w, pod, ip, "egress", "TCP", port);
              if (inbound !== expectIn || outbound !== expectOut)
                throw new Error(
                  `${id} with ${ip.ip} TCP ${port}: engine in ${inbound} out ${outbound}, reference in ${expectIn} out ${expectOut}\n${manifests(w)}`,
                );
            }
      }),
      { numRuns: 200 },
    );
  });
});
