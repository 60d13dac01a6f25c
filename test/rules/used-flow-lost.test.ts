import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "used-flow-lost";
const app = docs(
  namespace("shop"),
  deployment("shop", "web"),
  deployment("shop", "db", { port: 5432 }),
  lockedDown("shop"),
);
const webEgress = (toDb: boolean) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:${toDb ? "\n    - to: [{podSelector: {matchLabels: {app: db}}}]\n      ports: [{port: 5432}]" : " []"}`;
const dbIngress = (fromWeb: boolean) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:${fromWeb ? "\n    - from: [{podSelector: {matchLabels: {app: web}}}]\n      ports: [{port: 5432}]" : " []"}`;

describe(RULE, () => {
  it("fires when both policies drop a flow they named", () => {
    const hits = findingsOf(
      RULE,
      docs(app, webEgress(true), dbIngress(true)),
      docs(app, webEgress(false), dbIngress(false)),
    );
    expect(hits.map((h) => [h.objects, h.severity])).toEqual([[["shop/Deployment/web", "shop/Deployment/db"], "low"]]);
    expect(hits[0].message).toContain("TCP 5432");
  });

  it("does not fire for flows an open namespace allowed by default, nor for a one-sided cut", () => {
    const open = docs(namespace("shop"), deployment("shop", "web"), deployment("shop", "db", { port: 5432 }));
    expect(findingsOf(RULE, open, docs(open, lockedDown("shop")))).toEqual([]);
    expect(
      findingsOf(RULE, docs(app, webEgress(true), dbIngress(true)), docs(app, webEgress(false), dbIngress(true))),
    ).toEqual([]);
  });
});
