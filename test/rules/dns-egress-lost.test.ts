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

  it("fires naming the Services the workload calls by name", () => {
    const caller = deployment("shop", "web").replace(
      "          ports:",
      '          env: [{name: API_URL, value: "http://api.shop.svc:80"}]\n          ports:',
    );
    const api = `
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]`;
    const withNames = docs(namespace("shop"), caller, deployment("shop", "api"), api);
    const hits = findingsOf(RULE, withNames, docs(withNames, denyEgress));
    const web = hits.find((f) => f.objects[0] === "shop/Deployment/web")!;
    expect([web.messageId, web.severity, web.message]).toEqual([
      "lostNames",
      "high",
      "shop/Deployment/web can no longer reach cluster DNS (UDP 53), so it cannot resolve the names it calls: api.shop.svc:80",
    ]);
  });

  it("does not fire when the lock-down allows DNS", () => {
    expect(findingsOf(RULE, app, docs(app, lockedDown("shop")))).toEqual([]);
  });
});
