import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "egress-to-internet";
const app = docs(namespace("shop"), deployment("shop", "web"), lockedDown("shop"));
const allowTo = (cidr: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: ${cidr}}}]
      ports: [{port: 443}]`;

describe(RULE, () => {
  it("fires when an egress-isolated workload may reach public addresses", () => {
    const hits = findingsOf(RULE, app, docs(app, allowTo("0.0.0.0/0")));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/Deployment/web"]);
    expect(hits[0].message).toContain("443");
  });

  it("does not fire for a private range", () => {
    expect(findingsOf(RULE, app, docs(app, allowTo("10.0.0.0/8")))).toEqual([]);
  });
});
