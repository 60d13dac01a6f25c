import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf } from "./harness.js";

const RULE = "l7-restriction-dropped";
const mesh = docs(
  "apiVersion: v1\nkind: Namespace\nmetadata: {name: foo, labels: {istio-injection: enabled}}",
  deployment("foo", "httpbin"),
  deployment("foo", "sleep"),
);
const viewer = (operation: string) => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: viewer, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  rules:
    - from: [{source: {principals: [cluster.local/ns/foo/sa/default]}}]
      to: [{operation: ${operation}}]`;
const cilium = (l7: boolean) => `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: get-only, namespace: foo}
spec:
  endpointSelector: {matchLabels: {app: httpbin}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: sleep}}]
      toPorts:
        - ports: [{port: "8080", protocol: TCP}]
${l7 ? "          rules: {http: [{method: GET, path: /public}]}" : ""}`;

const calico = (l7: boolean) => `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: get-only, namespace: foo}
spec:
  selector: app == 'httpbin'
  ingress:
    - action: Allow
      protocol: TCP
      source: {selector: app == 'sleep'}
      destination: {ports: [8080]}
${l7 ? "      http: {methods: [GET]}" : ""}`;

describe(RULE, () => {
  it("fires when an Istio ALLOW rule loses its methods and paths", () => {
    const hits = findingsOf(
      RULE,
      docs(mesh, viewer("{methods: [GET], paths: [/status/*]}")),
      docs(mesh, viewer("{paths: [/status/*]}")),
    );
    expect(hits).toHaveLength(1);
    expect(hits[0].message).toBe(
      "foo/AuthorizationPolicy/viewer rules[0] no longer restricts at L7 (methods: GET): the connections it allows are allowed whatever the request",
    );
    expect(hits[0].severity).toBe("medium");
  });

  it("fires when a Cilium rule loses its HTTP rules", () => {
    const hits = findingsOf(RULE, docs(mesh, cilium(true)), docs(mesh, cilium(false)));
    expect(hits.map((h) => h.message)).toEqual([
      "foo/CiliumNetworkPolicy/get-only ingress[0] no longer restricts at L7 (http): the connections it allows are allowed whatever the request",
    ]);
  });

  it("fires when a Calico Allow rule loses its http match", () => {
    const hits = findingsOf(RULE, docs(mesh, calico(true)), docs(mesh, calico(false)), {
      network: { cni: "calico", mesh: "none" },
    });
    expect(hits.map((h) => h.message)).toEqual([
      "foo/NetworkPolicy.projectcalico.org/get-only ingress[0] (Allow) no longer restricts at L7 (http.methods): the connections it allows are allowed whatever the request",
    ]);
  });

  it("does not fire when the restriction stays, is added, or the whole rule goes (that cuts, not opens)", () => {
    const get = docs(mesh, viewer("{methods: [GET]}"));
    expect(findingsOf(RULE, get, get)).toEqual([]);
    expect(findingsOf(RULE, docs(mesh, viewer("{ports: ['8080']}")), get)).toEqual([]);
    expect(findingsOf(RULE, get, mesh)).toEqual([]);
  });
});
