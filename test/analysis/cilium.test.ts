// Cilium policies (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) on Cilium's documented examples:
// the truth table per pair and port, explain naming the deciding rule, and the dataplane setting.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { forDataplane } from "../../src/analysis/dataplane.js";
import { explain } from "../../src/analysis/explain.js";
import { explanationText } from "../../src/report/explain-text.js";
import { computeExposure } from "../../src/analysis/exposure/index.js";
import { resolveConfig } from "../../src/config/load-config.js";
import type { Protocol } from "../../src/core/port-set.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import type { Cluster } from "../../src/model/types.js";
import { diags, fixture, ROOT } from "../helpers/engine.js";

const F = "fixtures/engine/cilium/docs.yaml";
const c = fixture("cilium/docs.yaml");
const id = (name: string) =>
  name.startsWith("ip:") ? name : `${name.includes("/") ? name.split("/")[0] : "default"}/Pod/${name.split("/").pop()}`;

function allowed(cluster: Cluster, from: string, to: string, protocol: Protocol, port: number): boolean {
  return !explain(cluster, id(from), id(to), { protocol, port }).allowed.isEmpty();
}

// [from, to, protocol, port, allowed]: pods are default/<name> unless a namespace is given.
const TABLE: [string, string, Protocol, number, boolean][] = [
  // l3-rule: frontend of the policy's namespace only, every port.
  ["frontend", "backend", "TCP", 1234, true],
  ["frontend", "backend", "UDP", 53, true],
  ["client", "backend", "TCP", 8080, false],
  // from-other: the namespace named by k8s:io.kubernetes.pod.namespace, the named port http (8080).
  ["other/stranger", "backend", "TCP", 8080, true],
  ["other/stranger", "backend", "TCP", 80, false],
  // The deny page, second column: 81 allowed, 80 denied (deny wins over the L3 allow).
  ["client", "server", "TCP", 81, true],
  ["client", "server", "TCP", 80, false],
  ["client", "server", "UDP", 80, true],
  ["frontend", "server", "TCP", 81, false],
  // ingress: [{}]: default deny at ingress, egress untouched.
  ["frontend", "restricted", "TCP", 80, false],
  ["client", "restricted", "UDP", 53, false],
  ["restricted", "frontend", "TCP", 80, true],
  // fromEntities world.
  ["ip:8.8.8.8", "public", "TCP", 443, true],
  ["frontend", "public", "TCP", 443, false],
  // toCIDR / toCIDRSet with except.
  ["myservice", "ip:20.1.1.1", "TCP", 443, true],
  ["myservice", "ip:20.1.1.2", "TCP", 443, false],
  ["myservice", "ip:10.1.2.3", "UDP", 53, true],
  ["myservice", "ip:10.96.0.10", "UDP", 53, false],
  ["myservice", "frontend", "TCP", 80, false],
  // Layer 4 only: every peer, on 80/TCP and 8000-8100/UDP.
  ["web", "frontend", "TCP", 80, true],
  ["web", "frontend", "TCP", 81, false],
  ["web", "frontend", "UDP", 8050, true],
  ["web", "frontend", "UDP", 8101, false],
  ["web", "ip:1.1.1.1", "TCP", 80, true],
  // toFQDNs: outside addresses on 443, restricted by name (not evaluated); no pod.
  ["crawler", "ip:140.82.112.5", "TCP", 443, true],
  ["crawler", "ip:140.82.112.5", "TCP", 80, false],
  ["crawler", "frontend", "TCP", 443, false],
  // external-lockdown: the world denied, every endpoint of the cluster allowed.
  ["frontend", "locked/vault", "TCP", 8200, true],
  ["other/stranger", "locked/vault", "TCP", 8200, true],
  ["ip:8.8.8.8", "locked/vault", "TCP", 8200, false],
  // no-guests (clusterwide, enableDefaultDeny ingress false): guests denied everywhere, nobody else isolated.
  ["guests/guest", "frontend", "TCP", 80, false],
  ["guests/guest", "locked/vault", "TCP", 8200, false],
  ["guests/guest", "server", "TCP", 81, false],
  ["frontend", "web", "TCP", 80, true],
  ["ip:8.8.8.8", "frontend", "TCP", 80, true],
];

describe("Cilium policies: the documented examples' truth table", () => {
  it("reads the policies without a problem", () => {
    expect(diags(c).filter((d) => !d.includes(": info: "))).toEqual([]);
    expect(c.ciliumPolicies?.map((p) => p.id)).toContain("CiliumClusterwideNetworkPolicy/no-guests");
  });

  for (const [from, to, protocol, port, expected] of TABLE)
    it(`${from} -> ${to} ${protocol} ${port}: ${expected ? "allowed" : "denied"}`, () => {
      expect(allowed(c, from, to, protocol, port)).toBe(expected);
    });
});

describe("Cilium policies in explain", () => {
  it("names the deny rule and its file:line, and that deny wins", () => {
    const e = explain(c, "default/Pod/client", "default/Pod/server", { protocol: "TCP", port: 80 });
    expect(e.ingress!.steps[0]).toEqual(
      expect.objectContaining({
        tier: "cilium",
        verdict: "deny",
        policy: "default/CiliumNetworkPolicy/deny-80",
        rule: "ingressDeny[0]",
        file: F,
      }),
    );
    expect(explanationText(e)).toContain(
      `default/CiliumNetworkPolicy/deny-80 ingressDeny[0] denies TCP 80 (Cilium deny wins over every allow) (${F}:`,
    );
  });

  it("says an FQDN rule is allowed at L4 and restricted at L7", () => {
    const e = explain(c, "default/Pod/crawler", "ip:140.82.112.5", { protocol: "TCP", port: 443 });
    expect(explanationText(e)).toMatch(
      /default\/CiliumNetworkPolicy\/to-fqdn egress\[1\] allows TCP 443 \(.*\) — allowed at L4, restricted at L7 \(toFQDNs\)/,
    );
  });

  it("names the Cilium policy that isolates when no rule matches", () => {
    const e = explain(c, "default/Pod/frontend", "default/Pod/restricted");
    expect(explanationText(e)).toContain("default/CiliumNetworkPolicy/deny-ingress selects the pod (default deny)");
    expect(explanationText(e)).toContain("(isolated by a Cilium policy and no rule allows this traffic)");
  });
});

describe("the dataplane setting (network.cni)", () => {
  it("ignores Cilium policies under another CNI, with a note at each policy's file:line", () => {
    const other = forDataplane(c, { cni: "other", mesh: "none" });
    expect(allowed(other, "client", "server", "TCP", 80)).toBe(true);
    expect(allowed(other, "frontend", "restricted", "TCP", 80)).toBe(true);
    const notes = diags(other).filter((d) => d.includes("is ignored: network.cni is other"));
    expect(notes).toHaveLength(c.ciliumPolicies!.length);
    expect(notes[0]).toMatch(/^fixtures\/engine\/cilium\/docs\.yaml:\d+: info: default\/CiliumNetworkPolicy\/l3-rule/);
  });

  it("discovers cilium when the repository holds Cilium policies, and says so", () => {
    const found = forDataplane(c, { mesh: "none" });
    expect(allowed(found, "client", "server", "TCP", 80)).toBe(false);
    expect(diags(found).some((d) => d.includes("network.cni is not set"))).toBe(true);
    expect(forDataplane(c, { cni: "cilium", mesh: "none" })).toBe(c);
  });
});

describe("reading Cilium policies", () => {
  const read = (text: string) => {
    const d = new Diagnostics();
    return buildCluster(parseManifestText("p.yaml", text, d), {}, d);
  };

  it("refuses an unknown entity with the file:line, and keeps reading the others", () => {
    const cluster = read(
      [
        "apiVersion: cilium.io/v2",
        "kind: CiliumNetworkPolicy",
        "metadata: {name: bad, namespace: default}",
        "spec:",
        "  endpointSelector: {}",
        "  ingress:",
        "  - fromEntities: [everyone]",
        "---",
        "apiVersion: cilium.io/v2",
        "kind: CiliumNetworkPolicy",
        "metadata: {name: good, namespace: default}",
        "spec:",
        "  endpointSelector: {}",
        "  egressDeny:",
        "  - toEntities: [world]",
      ].join("\n"),
    );
    expect(diags(cluster)).toEqual([
      expect.stringMatching(/^p\.yaml:7: error: CiliumNetworkPolicy bad is invalid and skipped: .*entity "everyone"/),
    ]);
    expect(cluster.ciliumPolicies!.map((p) => p.id)).toEqual(["default/CiliumNetworkPolicy/good"]);
  });

  it("warns about a host policy (nodeSelector), toServices and cidrGroupRef, which are not modelled", () => {
    const cluster = read(
      [
        "apiVersion: cilium.io/v2",
        "kind: CiliumClusterwideNetworkPolicy",
        "metadata: {name: host}",
        "spec:",
        "  nodeSelector: {}",
        "  ingress: [{fromEntities: [cluster]}]",
        "---",
        "apiVersion: cilium.io/v2",
        "kind: CiliumNetworkPolicy",
        "metadata: {name: svc, namespace: default}",
        "spec:",
        "  endpointSelector: {}",
        "  egress:",
        "  - toServices: [{k8sService: {serviceName: db, namespace: default}}]",
        "  - toCIDRSet: [{cidrGroupRef: office}]",
      ].join("\n"),
    );
    expect(diags(cluster)).toEqual([
      "p.yaml:5: warning: CiliumClusterwideNetworkPolicy/host: a nodeSelector (host) policy is not modelled; the connectivity shown ignores it",
      "p.yaml:14: warning: default/CiliumNetworkPolicy/svc egress[0]: toServices not modelled; the rule matches no peer through it",
      "p.yaml:15: warning: default/CiliumNetworkPolicy/svc egress[1]: cidrGroupRef not modelled; the rule matches no peer through it",
    ]);
  });
});

describe("Cilium through the CLI: a PR removing a Cilium deny policy, and network.cni", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["build/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8" });
  const PR = "fixtures/engine/cilium/pr-deny-removed";

  it("diff: client -> server gains TCP 80, caused by the removed CiliumNetworkPolicy", () => {
    const out = cli("diff", "--base", `${PR}/base`, "--head", `${PR}/head`, "--format", "json", "--fail-on", "none");
    expect(out.status).toBe(0);
    const json = JSON.parse(out.stdout);
    const change = json.reachability.changes.find(
      (c: { from: unknown; to: string }) =>
        JSON.stringify(c.from).includes("default/Pod/client") && c.to === "default/Pod/server",
    );
    expect(change).toMatchObject({ change: "changed", head: { TCP: [[1, 65535]] } });
    expect(change.base.TCP).toEqual([
      [1, 79],
      [81, 65535],
    ]);
    // The removed deny is a finding of its own (deny-policy-removed), besides the connection it opens.
    expect(json.findings.map((f: { rule: string }) => f.rule)).toEqual(["deny-policy-removed", "new-connection"]);
    expect(json.findings[0].message).toBe(
      "default/CiliumNetworkPolicy/deny-80 is removed: its Cilium deny rules ingressDeny[0] no longer apply",
    );
    expect(change.causes).toEqual([
      expect.objectContaining({ id: "default/CiliumNetworkPolicy/deny-80", change: "removed", line: 1 }),
    ]);
  });

  it("explain names the Cilium deny rule; with network.cni: other the policy is ignored and the port allowed", () => {
    const args = [
      "explain",
      `${PR}/base`,
      "--from",
      "default/Pod/client",
      "--to",
      "default/Pod/server",
      "--port",
      "80",
    ];
    const denied = cli(...args);
    expect(denied.stdout).toContain("default/Pod/client -> default/Pod/server: DENIED");
    expect(denied.stdout).toContain(`default/CiliumNetworkPolicy/deny-80 ingressDeny[0] denies TCP 80`);
    const ignored = cli(...args, "--config", "fixtures/engine/cilium/cni-other.yml");
    expect(ignored.stdout).toContain("default/Pod/client -> default/Pod/server: ALLOWED");
    const reach = cli("reach", `${PR}/base`, "--format", "json", "--config", "fixtures/engine/cilium/cni-other.yml");
    const json = JSON.parse(reach.stdout);
    expect(JSON.stringify(json.diagnostics)).toContain(
      "default/CiliumNetworkPolicy/deny-80 is ignored: network.cni is other",
    );
  });
});

describe("Cilium policies in the exposure analysis", () => {
  it("a LoadBalancer reaches a pod open to the world entity, and is blocked by a Cilium default deny", () => {
    const d = new Diagnostics();
    const text = `${readFileSync(F, "utf8")}
---
apiVersion: v1
kind: Service
metadata: {name: public, namespace: default}
spec: {type: LoadBalancer, selector: {role: public}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: restricted, namespace: default}
spec: {type: LoadBalancer, selector: {role: restricted}, ports: [{port: 80}]}
`;
    const cluster = buildCluster(parseManifestText("x.yaml", text, d), {}, d);
    const blocked = Object.fromEntries(computeExposure(cluster, {}).exposures.map((e) => [e.workload, e.blockedBy]));
    expect(blocked).toEqual({
      "default/Pod/public": null,
      "default/Pod/restricted": "default/CiliumNetworkPolicy/deny-ingress",
    });
  });
});

describe("the network setting in .github/reachdiff.yml", () => {
  it("takes cni and mesh, with mesh none and cni discovered by default, and refuses other values", () => {
    expect(resolveConfig(undefined).network).toEqual({});
    expect(resolveConfig({ network: { cni: "cilium", mesh: "istio" } }).network).toEqual({
      cni: "cilium",
      mesh: "istio",
    });
    expect(() => resolveConfig({ network: { cni: "flannel" } })).toThrow(
      /"network.cni" must be one of cilium, calico, other/,
    );
    expect(() => resolveConfig({ network: { cilium: true } })).toThrow(/unknown key/);
  });
});
