import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf } from "./harness.js";

const RULE = "deny-policy-removed";
const mesh = docs(
  "apiVersion: v1\nkind: Namespace\nmetadata: {name: foo, labels: {istio-injection: enabled}}",
  "apiVersion: v1\nkind: Namespace\nmetadata: {name: bar, labels: {istio-injection: enabled}}",
  deployment("foo", "httpbin"),
  deployment("bar", "sleep"),
);
const denyBar = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-bar, namespace: foo}
spec:
  action: DENY
  rules: [{from: [{source: {namespaces: [bar]}}]}]`;
const allowBar = denyBar.replace("deny-bar", "allow-bar").replace("DENY", "ALLOW");
const peer = (mode: string) => `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: foo}
spec: {mtls: {mode: ${mode}}}`;
const cilium = (deny: boolean) => `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-80, namespace: foo}
spec:
  endpointSelector: {}
  ingress: [{fromEntities: [cluster]}]
${deny ? "  ingressDeny: [{fromEntities: [cluster], toPorts: [{ports: [{port: '80'}]}]}]" : ""}`;

const calico = (deny: boolean) => `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.no-bar}
spec:
  order: 10
  selector: all()
  ingress:
${deny ? "  - {action: Deny, source: {namespaceSelector: projectcalico.org/name == 'bar'}}\n" : ""}  - {action: Pass}`;

describe(RULE, () => {
  it("fires when an Istio DENY policy is removed, naming its rules", () => {
    const hits = findingsOf(RULE, docs(mesh, denyBar), mesh);
    expect(hits).toHaveLength(1);
    expect(hits[0].messageId).toBe("removed");
    expect(hits[0].message).toBe(
      "foo/AuthorizationPolicy/deny-bar is removed: its Istio deny rules rules[0] no longer apply",
    );
    expect(hits[0].severity).toBe("high");
  });

  it("fires when a PeerAuthentication goes from STRICT to PERMISSIVE (plaintext is no longer refused)", () => {
    const hits = findingsOf(RULE, docs(mesh, peer("STRICT")), docs(mesh, peer("PERMISSIVE")));
    expect(hits.map((h) => h.message)).toEqual([
      "foo/PeerAuthentication/default no longer has the Istio deny rules mtls STRICT",
    ]);
  });

  it("fires when a Cilium deny rule is removed from a policy that stays", () => {
    const hits = findingsOf(RULE, docs(mesh, cilium(true)), docs(mesh, cilium(false)));
    expect(hits.map((h) => h.message)).toEqual([
      "foo/CiliumNetworkPolicy/no-80 no longer has the Cilium deny rules ingressDeny[0]",
    ]);
  });

  it("fires when a Calico Deny rule is removed, or its policy; not when the CNI is another", () => {
    expect(findingsOf(RULE, docs(mesh, calico(true)), docs(mesh, calico(false))).map((h) => h.message)).toEqual([
      "GlobalNetworkPolicy/security.no-bar no longer has the Calico deny rules ingress[0] (Deny)",
    ]);
    expect(findingsOf(RULE, docs(mesh, calico(true)), mesh).map((h) => h.message)).toEqual([
      "GlobalNetworkPolicy/security.no-bar is removed: its Calico deny rules ingress[0] (Deny) no longer apply",
    ]);
    expect(findingsOf(RULE, docs(mesh, calico(true)), docs(mesh, calico(true)))).toEqual([]);
    expect(findingsOf(RULE, docs(mesh, calico(true)), mesh, { network: { cni: "other", mesh: "istio" } })).toEqual([]);
  });

  it("does not fire when the deny stays (moved or unchanged), an ALLOW policy goes, or the mesh is none", () => {
    expect(findingsOf(RULE, docs(mesh, denyBar), docs(denyBar, mesh))).toEqual([]);
    expect(findingsOf(RULE, docs(mesh, allowBar), mesh)).toEqual([]);
    expect(findingsOf(RULE, docs(mesh, denyBar), mesh, { network: { mesh: "none" } })).toEqual([]);
    expect(findingsOf(RULE, docs(mesh, peer("PERMISSIVE")), docs(mesh, peer("STRICT")))).toEqual([]);
  });
});
