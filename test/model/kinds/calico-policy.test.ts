// Reading Calico policies (projectcalico.org/v3 and crd.projectcalico.org/v1): NetworkPolicy,
// GlobalNetworkPolicy and Tier into typed rules; a broken selector is an error at its line and only that
// policy is skipped.
import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../../src/manifests/parse.js";
import { buildCluster } from "../../../src/model/build.js";

const read = (text: string) => {
  const d = new Diagnostics();
  const cluster = buildCluster(parseManifestText("p.yaml", text, d), {}, d);
  return { cluster, diags: d.items.map((x) => `${x.file}:${x.line}: ${x.severity}: ${x.message}`) };
};

describe("reading Calico policies", () => {
  it("reads both API groups, names a Calico NetworkPolicy apart from a Kubernetes one, and reads tiers", () => {
    const { cluster, diags } = read(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: allow-tcp-6379, namespace: production}
spec:
  selector: color == 'red'
  ingress:
  - action: Allow
    protocol: TCP
    source: {selector: color == 'blue'}
    destination: {ports: [6379, "7000:7010", redis]}
---
apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata: {name: default-deny}
spec:
  tier: security
  order: 100
  namespaceSelector: projectcalico.org/name not in {'kube-system'}
  types: [Ingress, Egress]
  egress:
  - action: Allow
    protocol: UDP
    destination: {selector: k8s-app == 'kube-dns', ports: [53]}
  - action: Pass
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-tcp-6379, namespace: production}
spec: {podSelector: {}}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 300, defaultAction: Pass}
`);
    expect(diags).toEqual([]);
    expect(cluster.calicoPolicies!.map((p) => p.id)).toEqual([
      "production/NetworkPolicy.projectcalico.org/allow-tcp-6379",
      "GlobalNetworkPolicy/default-deny",
    ]);
    expect(cluster.networkPolicies.map((p) => p.id)).toEqual(["production/NetworkPolicy/allow-tcp-6379"]);
    const [np, gnp] = cluster.calicoPolicies!;
    expect(np).toMatchObject({
      tier: "default",
      selector: { text: "color == 'red'" },
      types: { ingress: true, egress: false },
    });
    expect(np.order).toBeUndefined();
    expect(np.ingress[0]).toMatchObject({
      action: "Allow",
      protocols: ["TCP"],
      line: 7,
      source: { selector: { text: "color == 'blue'" } },
      destination: {
        ports: [
          { type: "numbers", from: 6379, to: 6379 },
          { type: "numbers", from: 7000, to: 7010 },
          { type: "name", name: "redis" },
        ],
      },
    });
    expect(gnp).toMatchObject({
      tier: "security",
      order: 100,
      namespaceSelector: { text: "projectcalico.org/name not in {'kube-system'}" },
      types: { ingress: true, egress: true },
    });
    expect(gnp.egress.map((r) => r.action)).toEqual(["Allow", "Pass"]);
    expect(cluster.calicoTiers).toEqual([
      expect.objectContaining({ id: "Tier/security", order: 300, defaultAction: "Pass" }),
    ]);
  });

  it("warns about a policy in a tier that no Tier object defines", () => {
    const { cluster, diags } = read(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.p}
spec:
  tier: platform
  selector: all()
`);
    expect(diags).toEqual([
      "p.yaml:5: warning: GlobalNetworkPolicy/platform.p is in tier platform, which no Tier object here defines (Calico refuses a policy of a tier that does not exist); it is evaluated as a tier without order, after every other",
    ]);
    expect(cluster.calicoPolicies).toHaveLength(1);
  });

  it("defaults types from the rules present (Ingress; Egress only when there are only egress rules)", () => {
    const policy = (rules: string) =>
      read(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: p}
spec:
  selector: all()
${rules}`).cluster.calicoPolicies![0].types;
    expect(policy("")).toEqual({ ingress: true, egress: false });
    expect(policy("  egress: [{action: Deny}]")).toEqual({ ingress: false, egress: true });
    expect(policy("  ingress: [{action: Deny}]\n  egress: [{action: Deny}]")).toEqual({ ingress: true, egress: true });
    expect(policy("  types: [Egress]\n  ingress: [{action: Deny}]")).toEqual({ ingress: false, egress: true });
  });

  it("a broken selector is an error at its line; that policy is skipped and the others are read", () => {
    const { cluster, diags } = read(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: good-before}
spec: {selector: all()}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: broken, namespace: default}
spec:
  selector: app == 'web'
  ingress:
  - action: Allow
    source:
      selector: app = 'db'
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: good-after, namespace: default}
spec: {selector: "has(app) && app != 'web'"}
`);
    expect(diags).toEqual([
      `p.yaml:14: error: NetworkPolicy broken is invalid and skipped: spec.ingress[0].source.selector: selector "app = 'db'": unexpected "=" at column 5`,
    ]);
    expect(cluster.calicoPolicies!.map((p) => p.name)).toEqual(["good-before", "good-after"]);
  });

  it("refuses an unknown action, ports without a protocol, and a bad range, each at its line", () => {
    const policy = (name: string, rule: string) => `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: ${name}}
spec:
  ingress:
  - ${rule}
`;
    const { cluster, diags } = read(
      policy("action", "{action: Reject}") +
        policy("noproto", "{action: Allow, destination: {ports: [80]}}") +
        policy("range", "{action: Allow, protocol: TCP, destination: {ports: ['90:80']}}") +
        policy("ok", "{action: Allow, protocol: 6, destination: {notPorts: [22]}}"),
    );
    expect(diags).toEqual([
      expect.stringMatching(
        /^p\.yaml:7: error: GlobalNetworkPolicy action .*action: must be one of Allow, Deny, Pass, Log/,
      ),
      expect.stringMatching(
        /^p\.yaml:14: error: GlobalNetworkPolicy noproto .*destination ports need protocol TCP, UDP or SCTP/,
      ),
      expect.stringMatching(/^p\.yaml:21: error: GlobalNetworkPolicy range .*"90:80" is not a port or range/),
    ]);
    expect(cluster.calicoPolicies!.map((p) => p.name)).toEqual(["ok"]);
    expect(cluster.calicoPolicies![0].ingress[0].protocols).toEqual(["TCP"]);
  });

  it("reports host endpoint settings and unmodelled rule fields as out of scope", () => {
    const { cluster, diags } = read(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: host-guard}
spec:
  selector: has(node)
  preDNAT: true
  applyOnForward: true
  ingress: [{action: Deny}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: svc, namespace: default}
spec:
  egress:
  - action: Allow
    destination: {services: {name: db, namespace: default}}
  - action: Allow
    protocol: TCP
    source: {ports: [1024]}
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: eth0}
spec: {node: n1, interfaceName: eth0}
`);
    expect(diags).toEqual([
      "p.yaml:1: warning: GlobalNetworkPolicy/host-guard: preDNAT, applyOnForward are for host endpoints, which are not modelled; the policy applies to no pod and is not evaluated",
      "p.yaml:15: warning: default/NetworkPolicy.projectcalico.org/svc egress[0]: destination.services not modelled; the rule matches no traffic",
      "p.yaml:17: warning: default/NetworkPolicy.projectcalico.org/svc egress[1]: source.ports not modelled; the rule matches no traffic",
      "p.yaml:21: warning: HostEndpoint (projectcalico.org/v3) is not modelled: the connectivity shown ignores it",
    ]);
    expect(cluster.calicoPolicies![0].appliesToPods).toBe(false);
  });
});
