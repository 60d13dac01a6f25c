import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "flow-blocked-one-sided";
const app = docs(namespace("shop"), deployment("shop", "web"), deployment("shop", "api"), lockedDown("shop"));
const webEgress = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 8080}]`;
const apiIngress = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 8080}]`;

describe(RULE, () => {
  it("fires when web's egress drops a flow api's ingress still names", () => {
    const hits = findingsOf(RULE, docs(app, webEgress, apiIngress), docs(app, apiIngress));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(
      expect.arrayContaining(["shop/Deployment/web", "shop/Deployment/api", "shop/NetworkPolicy/web-egress"]),
    );
    expect(hits[0].message).toContain("egress");
  });

  it("does not fire when both sides drop the flow", () => {
    expect(findingsOf(RULE, docs(app, webEgress, apiIngress), app)).toEqual([]);
  });
});
