// AdminNetworkPolicy / BaselineAdminNetworkPolicy `networks` peers against pod-to-pod traffic.
import { describe, expect, it } from "vitest";
import { computeConnectivity, connectivityEdges } from "../../src/analysis/reach.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";

function reach(yaml: string, from: string, to: string): string {
  const diagnostics = new Diagnostics();
  const cluster = buildCluster(parseManifestText("t.yaml", yaml, diagnostics), {}, diagnostics);
  expect(diagnostics.items.filter((d) => d.severity !== "info")).toEqual([]);
  const hit = connectivityEdges(computeConnectivity(cluster)).find((e) => e.from === from && e.to === to);
  return hit ? hit.conns.toString() : "none";
}

const PODS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: ns1}
spec: {template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: i}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: ns2}
spec: {template: {metadata: {labels: {app: b}}, spec: {containers: [{name: c, image: i}]}}}
`;

const banp = (networks: string) => `${PODS}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  egress:
  - {name: deny-internet, action: Deny, to: [{networks: [${networks}]}]}
`;

describe("admin networks peers and pods", () => {
  it("a Deny to 0.0.0.0/0 also denies pod-to-pod traffic, as the API says", () => {
    expect(reach(banp("0.0.0.0/0"), "ns1/Deployment/a", "ns2/Deployment/b")).toBe("none");
    expect(reach(banp("0.0.0.0/0"), "ns1/Deployment/a", "ip:0.0.0.0/0")).toBe("none");
  });

  it("a narrower block, or ::/0 alone, is taken to name outside addresses only", () => {
    expect(reach(banp("10.0.0.0/8"), "ns1/Deployment/a", "ns2/Deployment/b")).toBe("all ports");
    expect(reach(banp("::/0"), "ns1/Deployment/a", "ns2/Deployment/b")).toBe("all ports");
  });

  it("an earlier Allow of the cluster's namespaces keeps pod traffic open", () => {
    const yaml = `${PODS}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: intra}
spec:
  priority: 10
  subject: {namespaces: {}}
  egress:
  - {name: cluster, action: Allow, to: [{namespaces: {}}]}
  - {name: internet, action: Deny, to: [{networks: [0.0.0.0/0]}]}
`;
    expect(reach(yaml, "ns1/Deployment/a", "ns2/Deployment/b")).toBe("all ports");
    expect(reach(yaml, "ns1/Deployment/a", "ip:0.0.0.0/0")).toBe("none");
  });
});
