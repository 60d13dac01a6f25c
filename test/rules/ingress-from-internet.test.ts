import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "ingress-from-internet";
const app = docs(namespace("shop"), deployment("shop", "web"), lockedDown("shop"));
const allowFrom = (cidr: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-public, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{ipBlock: {cidr: ${cidr}}}]
      ports: [{port: 8080}]`;

describe(RULE, () => {
  it("fires when an isolated workload admits 0.0.0.0/0", () => {
    const hits = findingsOf(RULE, app, docs(app, allowFrom("0.0.0.0/0")));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/Deployment/web"]);
    expect(hits[0].message).toContain("0.0.0.0/0");
    expect(hits[0].line).toBeGreaterThan(0);
  });

  it("does not fire for private ranges, nor for trusted ones", () => {
    expect(findingsOf(RULE, app, docs(app, allowFrom("10.0.0.0/8")))).toEqual([]);
    expect(
      findingsOf(RULE, app, docs(app, allowFrom("203.0.113.0/24")), { "trusted-cidrs": ["203.0.113.0/24"] }),
    ).toEqual([]);
  });
});

describe(`${RULE}: the fix matches the cause`, () => {
  it("tells to name the peers when the rule has no from (not to narrow an ipBlock it does not have)", () => {
    const openRule = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-open, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 8080}]}]`;
    const [hit] = findingsOf(RULE, app, docs(app, openRule));
    expect(hit.messageId).toBe("gainedOpenRule");
    expect(hit.message).toContain("shop/NetworkPolicy/web-open has an ingress rule without `from`");
    expect(hit.fix).toMatch(/add a `from:` list/);
    expect(hit.fix).not.toMatch(/Limit the ipBlock/);
    const [ipBlock] = findingsOf(RULE, app, docs(app, allowFrom("0.0.0.0/0")));
    expect(ipBlock.messageId).toBe("gained");
    expect(ipBlock.fix).toMatch(/Limit the ipBlock/);
  });
});
