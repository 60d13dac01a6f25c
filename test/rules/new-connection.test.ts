import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "new-connection";
const app = docs(
  namespace("shop"),
  namespace("tools"),
  deployment("shop", "web"),
  deployment("shop", "api"),
  deployment("tools", "scanner"),
  lockedDown("shop"),
  lockedDown("tools"),
  `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]`,
  `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-all, namespace: tools}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]`,
);
const allow = (from: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [${from}]
      ports: [{port: 8080}]`;

describe(RULE, () => {
  it("fires when api can newly reach web in the same namespace", () => {
    const hits = findingsOf(RULE, app, docs(app, allow("{podSelector: {matchLabels: {app: api}}}")));
    expect(hits.map((h) => h.objects)).toEqual([["shop/Deployment/api", "shop/Deployment/web"]]);
    expect(hits[0].message).toContain("TCP 8080");
  });

  it("does not fire for a flow from another namespace", () => {
    const other = allow("{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: tools}}}");
    expect(findingsOf(RULE, app, docs(app, other))).toEqual([]);
  });
});
