import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, namespace } from "./harness.js";

const RULE = "policy-selects-nothing";
const web = docs(namespace("shop"), deployment("shop", "web"));
const policy = (app: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: ${app}}}
  ingress: [{from: [{podSelector: {}}]}]`;

describe(RULE, () => {
  it("fires for a new policy whose podSelector has a typo", () => {
    const hits = findingsOf(RULE, web, docs(web, policy("wbe")));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/NetworkPolicy/web"]);
  });

  it("does not fire when the policy selects the workload", () => {
    expect(findingsOf(RULE, web, docs(web, policy("web")))).toEqual([]);
  });
});
