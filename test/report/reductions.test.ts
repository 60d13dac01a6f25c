// Good news: a hardening change is told what it reduces (exposure removed or narrowed, connections cut).
import { describe, expect, it } from "vitest";
import { headline } from "../../src/report/diff-text.js";
import { onlyReduces, reductions } from "../../src/report/reductions.js";
import { cluster, diff } from "../helpers/report.js";

const app = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres, ports: [{name: pg, containerPort: 5432}]}]}`;
const lb = `
---
apiVersion: v1
kind: Service
metadata: {name: db-external, namespace: shop}
spec:
  type: LoadBalancer
  allocateLoadBalancerNodePorts: false
  selector: {app: db}
  ports: [{port: 5432, targetPort: pg}]`;

describe("reductions", () => {
  it("a change that removes a public load balancer says so in its headline", () => {
    const r = diff(cluster(app + lb), cluster(app));
    expect(onlyReduces(r)).toBe(true);
    expect(reductions(r)).toEqual(["shop/Service/db-external no longer exposes shop/Deployment/db TCP 5432"]);
    expect(headline(r)).toBe(
      "Reduces exposure (no risk found): shop/Service/db-external no longer exposes shop/Deployment/db TCP 5432",
    );
  });

  it("a change that adds exposure is not good news", () => {
    const r = diff(cluster(app), cluster(app + lb));
    expect(onlyReduces(r)).toBe(false);
    expect(headline(r)).toMatch(/^Critical risk: /);
  });
});
