import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "ingress-from-all-namespaces";
const app = docs(namespace("shop"), deployment("shop", "web"), lockedDown("shop"));
const allowNamespaces = (selector: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{namespaceSelector: ${selector}}]`;

describe(RULE, () => {
  it("fires for a new rule with namespaceSelector: {}", () => {
    const hits = findingsOf(RULE, app, docs(app, allowNamespaces("{}")));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/NetworkPolicy/web"]);
    expect(hits[0].message).toContain("rule #1");
  });

  it("does not fire for a selector naming a namespace, nor for an open rule that was already there", () => {
    const named = allowNamespaces("{matchLabels: {kubernetes.io/metadata.name: shop-frontend}}");
    expect(findingsOf(RULE, app, docs(app, named))).toEqual([]);
    const open = docs(app, allowNamespaces("{}"));
    expect(findingsOf(RULE, open, open)).toEqual([]);
  });
});
