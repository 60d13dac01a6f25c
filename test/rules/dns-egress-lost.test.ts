import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "dns-egress-lost";
const app = docs(namespace("shop"), deployment("shop", "web"));
const denyEgress = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]`;

describe(RULE, () => {
  it("fires when an egress default-deny forgets DNS", () => {
    const hits = findingsOf(RULE, app, docs(app, denyEgress));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/Deployment/web", "shop/NetworkPolicy/deny-egress"]);
    expect(hits[0].file).toBe("head.yaml");
  });

  it("does not fire when the lock-down allows DNS", () => {
    expect(findingsOf(RULE, app, docs(app, lockedDown("shop")))).toEqual([]);
  });
});
