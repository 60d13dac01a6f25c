import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, namespace, service } from "./harness.js";

const RULE = "exposure-newly-blocked";
const app = docs(namespace("shop"), deployment("shop", "web"), service("shop", "web", { type: "LoadBalancer" }));
const ingressPolicy = (from: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [${from}]`;

describe(RULE, () => {
  it("fires when a policy starts dropping the load balancer's traffic", () => {
    const hits = findingsOf(RULE, app, docs(app, ingressPolicy("")));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].objects).toEqual(["shop/Deployment/web", "shop/NetworkPolicy/web"]);
  });

  it("does not fire when the policy admits the clients", () => {
    expect(findingsOf(RULE, app, docs(app, ingressPolicy("{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}")))).toEqual([]);
  });
});
