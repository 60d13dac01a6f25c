import { describe, expect, it } from "vitest";
import { analyse, deployment, docs, findingsOf, service } from "./harness.js";

const RULE = "new-service-export";

const exportOf = (ns: string, name: string) => `
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceExport
metadata: {name: ${name}, namespace: ${ns}}`;

/** A policy of `ns` that admits ingress to every pod from the pods of the namespace only. */
const podsOnly = (ns: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-namespace, namespace: ${ns}}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {}}]}]`;

/** A policy of `ns` that admits ingress from the other clusters' pod range. */
const fromRange = (ns: string, cidr: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-clusterset, namespace: ${ns}}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: "${cidr}"}}]}]`;

const app = docs(deployment("shop", "cart"), service("shop", "cart"));

describe(RULE, () => {
  it("fires when a ServiceExport exports a Service to the clusterset, naming its clusterset address and pod port", () => {
    const hits = findingsOf(RULE, app, docs(app, exportOf("shop", "cart")));
    expect(hits.map((h) => [h.severity, h.messageId, h.objects])).toEqual([
      ["medium", "exported", ["shop/ServiceExport/cart", "shop/Service/cart"]],
    ]);
    expect(hits[0].message).toBe(
      "shop/Service/cart is exported to the clusterset (cart.shop.svc.clusterset.local): pods of the other clusters reach shop/Deployment/cart on TCP 8080",
    );
    expect(hits[0].file).toBe("head.yaml");
  });

  it("fires when an ipBlock lets the other clusters' pod range in, with the admitted range said", () => {
    const head = docs(app, podsOnly("shop"), fromRange("shop", "10.8.0.0/16"), exportOf("shop", "cart"));
    expect(findingsOf(RULE, docs(app, podsOnly("shop")), head)).toHaveLength(1);
  });

  it("does not fire for an export of a Service that policies close to outside addresses, nor for one already exported", () => {
    // Only pods of this cluster may connect: the other clusters' pods are outside addresses.
    const closed = docs(app, podsOnly("shop"));
    expect(findingsOf(RULE, closed, docs(closed, exportOf("shop", "cart")))).toEqual([]);
    const exported = docs(app, exportOf("shop", "cart"));
    expect(findingsOf(RULE, exported, exported)).toEqual([]);
  });

  it("does not fire for an export that names no Service, nor count the clusterset as the internet", () => {
    expect(findingsOf(RULE, app, docs(app, exportOf("shop", "nothing")))).toEqual([]);
    const all = analyse(app, docs(app, exportOf("shop", "cart")));
    expect(all.map((f) => f.rule)).not.toContain("new-internet-exposure");
  });
});
