import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "new-cross-namespace-flow";
const app = docs(
  namespace("shop"),
  namespace("tools"),
  deployment("shop", "web"),
  deployment("shop", "api"),
  deployment("tools", "scanner"),
  lockedDown("shop"),
  lockedDown("tools"),
);
const allow = (namespaceSelector: string) =>
  docs(
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{${namespaceSelector}podSelector: {}}]
      ports: [{port: 8080}]`,
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-all, namespace: tools}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]`,
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]`,
  );

describe(RULE, () => {
  it("fires when a workload of another namespace can newly reach web", () => {
    const hits = findingsOf(
      RULE,
      app,
      docs(app, allow("namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: tools}}, ")),
    );
    expect(hits.map((h) => h.objects)).toEqual([["tools/Deployment/scanner", "shop/Deployment/web"]]);
    expect(hits[0].message).toContain("TCP 8080");
  });

  it("does not fire for a new flow inside the namespace", () => {
    expect(findingsOf(RULE, app, docs(app, allow("")))).toEqual([]);
  });
});
