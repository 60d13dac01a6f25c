import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, namespace } from "./harness.js";

const RULE = "connections-removed";
const app = docs(namespace("shop"), deployment("shop", "web"), deployment("shop", "api"));
const onlyWeb = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]`;

describe(RULE, () => {
  it("fires, once per source, when a policy narrows who reaches api", () => {
    const hits = findingsOf(RULE, app, docs(app, onlyWeb));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.some((h) => h.objects.includes("shop/Deployment/api"))).toBe(true);
    expect(new Set(hits.map((h) => h.message.split(" ")[0])).size).toBe(hits.length);
  });

  it("does not fire when nothing is taken away", () => {
    expect(findingsOf(RULE, app, app)).toEqual([]);
    expect(findingsOf(RULE, docs(app, onlyWeb), app)).toEqual([]);
  });
});
