// Property-based check of the Istio tier of the policy evaluator against a direct, deliberately naive reading
// of Istio's rules for one pair and one TCP port: the destination outside the mesh -> allowed; the port's mTLS
// mode (workload portLevelMtls, workload, namespace, root namespace, PERMISSIVE; DISABLE ignored in ambient);
// STRICT refuses a source without mTLS; principals and namespaces only with mTLS; any matching DENY rule
// denies (a sidecar only when the matched operation has no methods; ztunnel ignores the methods); then, when
// some ALLOW policy applies, one of its rules must match (ztunnel: a rule with methods matches nothing).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forDataplane } from "../../src/analysis/dataplane.js";
import { explain } from "../../src/analysis/explain.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";

type Labels = Record<string, string>;
type Mode = "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET";
interface Pod {
  name: string;
  ns: string;
  sa: string;
  labels: Labels;
}
interface Source {
  principals?: string[];
  notPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
}
interface Operation {
  ports?: number[];
  notPorts?: number[];
  methods?: string[];
}
interface Rule {
  from?: Source[];
  to?: Operation[];
}
interface Policy {
  name: string;
  ns: string;
  action: "ALLOW" | "DENY" | "AUDIT";
  selector?: Labels;
  rules: Rule[];
}
interface Peer {
  name: string;
  ns: string;
  selector?: Labels;
  mode: Mode;
  port8080?: Mode;
}

const ROOT_NS = "istio-system";
// a and b: sidecars; c: ambient; d: outside the mesh.
const NS = ["a", "b", "c", "d"];
const NS_LABELS: Record<string, Labels> = {
  a: { "istio-injection": "enabled" },
  b: { "istio.io/rev": "stable" },
  c: { "istio.io/dataplane-mode": "ambient" },
  d: {},
};
const PORTS = [80, 8080, 9000];
const labels = fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("x", "y"), { maxKeys: 2 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const some = <T>(...values: T[]) => fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 2 });
const principal = fc.constantFrom(
  "cluster.local/ns/a/sa/x",
  "cluster.local/ns/b/*",
  "*",
  "*/sa/y",
  "cluster.local/ns/c/sa/x",
);
const source: fc.Arbitrary<Source> = fc.record(
  {
    principals: fc.array(principal, { minLength: 1, maxLength: 2 }),
    notPrincipals: fc.array(principal, { minLength: 1, maxLength: 1 }),
    namespaces: some("a", "b", "c", "d", "*"),
    notNamespaces: some("a", "c"),
  },
  { requiredKeys: [] },
);
const operation: fc.Arbitrary<Operation> = fc.record(
  { ports: some(80, 8080), notPorts: some(8080), methods: some("GET") },
  { requiredKeys: [] },
);
const rule: fc.Arbitrary<Rule> = fc.record(
  { from: fc.array(source, { minLength: 1, maxLength: 2 }), to: fc.array(operation, { minLength: 1, maxLength: 2 }) },
  { requiredKeys: [] },
);
const policy = (i: number): fc.Arbitrary<Policy> =>
  fc.record({
    name: fc.constant(`p${i}`),
    ns: fc.constantFrom(...NS, ROOT_NS),
    action: fc.constantFrom("ALLOW" as const, "DENY" as const, "AUDIT" as const),
    selector: maybe(labels),
    rules: fc.array(rule, { maxLength: 2 }),
  });
const mode = fc.constantFrom<Mode>("STRICT", "PERMISSIVE", "DISABLE", "UNSET");
const peerAuth = (i: number): fc.Arbitrary<Peer> =>
  fc.record({
    name: fc.constant(`pa${i}`),
    ns: fc.constantFrom(...NS, ROOT_NS),
    selector: maybe(labels),
    mode,
    port8080: maybe(mode),
  });
const world = fc.record({
  pods: fc.tuple(
    ...[0, 1, 2, 3].map((i) =>
      fc.record({ name: fc.constant(`w${i}`), ns: fc.constantFrom(...NS), sa: fc.constantFrom("x", "y"), labels }),
    ),
  ),
  policies: fc.tuple(policy(0), policy(1), policy(2)).chain((ps) => fc.subarray(ps)),
  peers: fc.tuple(peerAuth(0), peerAuth(1)).chain((ps) => fc.subarray(ps)),
});

const subset = (want: Labels, have: Labels) => Object.entries(want).every(([k, v]) => have[k] === v);
const strMatch = (pattern: string, value: string | undefined) =>
  value !== undefined &&
  (pattern === "*"
    ? value !== ""
    : pattern.endsWith("*")
      ? value.startsWith(pattern.slice(0, -1))
      : pattern.startsWith("*")
        ? value.endsWith(pattern.slice(1))
        : pattern === value);
const inMesh = (ns: string) => ns !== "d";

function modeOf(peers: readonly Peer[], dst: Pod, port: number): Mode {
  const sorted = [...peers].sort((a, b) => a.name.localeCompare(b.name));
  const wl = sorted.find((p) => p.ns === dst.ns && p.selector && subset(p.selector, dst.labels));
  const ns = sorted.find((p) => p.ns === dst.ns && !p.selector);
  const root = sorted.find((p) => p.ns === ROOT_NS && !p.selector);
  let m: Mode =
    (port === 8080 && wl?.port8080 && wl.port8080 !== "UNSET" ? wl.port8080 : undefined) ??
    [wl, ns, root].find((p) => p && p.mode !== "UNSET")?.mode ??
    "PERMISSIVE";
  if (dst.ns === "c" && m === "DISABLE") m = "PERMISSIVE";
  return m;
}

function naive(policies: readonly Policy[], peers: readonly Peer[], src: Pod, dst: Pod, port: number): boolean {
  if (!inMesh(dst.ns)) return true;
  const ztunnel = dst.ns === "c";
  const m = modeOf(peers, dst, port);
  const mtls = inMesh(src.ns) && m !== "DISABLE";
  if (m === "STRICT" && !mtls) return false;
  const principal = mtls ? `cluster.local/ns/${src.ns}/sa/${src.sa}` : undefined;
  const namespace = mtls ? src.ns : undefined;
  const srcOk = (s: Source) =>
    (!s.principals || s.principals.some((p) => strMatch(p, principal))) &&
    !s.notPrincipals?.some((p) => strMatch(p, principal)) &&
    (!s.namespaces || s.namespaces.some((p) => strMatch(p, namespace))) &&
    !s.notNamespaces?.some((p) => strMatch(p, namespace));
  const opOk = (o: Operation) => (!o.ports || o.ports.includes(port)) && !o.notPorts?.includes(port);
  const fromOk = (r: Rule) => !r.from || r.from.some(srcOk);
  const applicable = policies.filter(
    (p) => (p.ns === ROOT_NS || p.ns === dst.ns) && (!p.selector || subset(p.selector, dst.labels)),
  );
  for (const p of applicable.filter((x) => x.action === "DENY"))
    for (const r of p.rules)
      if (fromOk(r) && (!r.to || r.to.some((o) => opOk(o) && (ztunnel || !o.methods)))) return false;
  const allows = applicable.filter((x) => x.action === "ALLOW");
  if (!allows.length) return true;
  return allows.some((p) =>
    p.rules.some((r) => !(ztunnel && r.to?.some((o) => o.methods)) && fromOk(r) && (!r.to || r.to.some(opOk))),
  );
}

function manifests(pods: readonly Pod[], policies: readonly Policy[], peers: readonly Peer[]): string {
  const docs: unknown[] = [
    ...[...NS, ROOT_NS].map((name) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: NS_LABELS[name] ?? {} },
    })),
    ...pods.map((p) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: p.name, namespace: p.ns, labels: p.labels },
      spec: {
        serviceAccountName: p.sa,
        containers: [{ name: "c", image: "x", ports: PORTS.map((containerPort) => ({ containerPort })) }],
      },
    })),
    ...policies.map((p) => ({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: p.name, namespace: p.ns },
      spec: {
        action: p.action,
        ...(p.selector ? { selector: { matchLabels: p.selector } } : {}),
        rules: p.rules.map((r) => ({
          ...(r.from ? { from: r.from.map((s) => ({ source: s })) } : {}),
          ...(r.to
            ? {
                to: r.to.map((o) => ({
                  operation: {
                    ...o,
                    ...(o.ports ? { ports: o.ports.map(String) } : {}),
                    ...(o.notPorts ? { notPorts: o.notPorts.map(String) } : {}),
                  },
                })),
              }
            : {}),
        })),
      },
    })),
    ...peers.map((p) => ({
      apiVersion: "security.istio.io/v1",
      kind: "PeerAuthentication",
      metadata: { name: p.name, namespace: p.ns },
      spec: {
        ...(p.selector ? { selector: { matchLabels: p.selector } } : {}),
        mtls: { mode: p.mode },
        // portLevelMtls is honoured only with a selector (as the reference reads it).
        ...(p.port8080 && p.selector ? { portLevelMtls: { 8080: { mode: p.port8080 } } } : {}),
      },
    })),
  ];
  return docs.map((d) => JSON.stringify(d)).join("\n---\n");
}

describe("the Istio tier against a naive per-pair reading", () => {
  it("agrees on every pair and TCP port, and lets UDP through", () => {
    fc.assert(
      fc.property(world, ({ pods, policies, peers }) => {
        const d = new Diagnostics();
        const text = manifests(pods, policies, peers);
        const cluster = forDataplane(buildCluster(parseManifestText("gen.yaml", text, d), {}, d), { mesh: "istio" });
        expect(d.items.filter((x) => x.severity === "error")).toEqual([]);
        for (const src of pods)
          for (const dst of pods) {
            const ask = (protocol: "TCP" | "UDP", port: number) =>
              !explain(cluster, `${src.ns}/Pod/${src.name}`, `${dst.ns}/Pod/${dst.name}`, {
                protocol,
                port,
              }).allowed.isEmpty();
            for (const port of PORTS) {
              const expected = naive(policies, peers, src, dst, port);
              const got = ask("TCP", port);
              if (got !== expected)
                throw new Error(
                  `${src.ns}/${src.name} -> ${dst.ns}/${dst.name} TCP ${port}: engine ${got}, reference ${expected}\n${text}`,
                );
            }
            expect(ask("UDP", 8080)).toBe(true);
          }
      }),
      { numRuns: 200 },
    );
  });
});
