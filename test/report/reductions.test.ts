// Good news: a hardening change is told what it reduces (exposure removed or narrowed, connections cut).
import { describe, expect, it } from "vitest";
import { headline } from "../../src/report/diff-text.js";
import { onlyReduces, reductions } from "../../src/report/reductions.js";
import { join } from "node:path";
import { renderComment } from "../../src/report/markdown.js";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { loadSide } from "../../src/snapshot.js";
import { cluster, DEMO, diff, ROOT } from "../helpers/report.js";

const loadScenario = (name: string) =>
  diffClusters(
    loadSide(join(ROOT, "fixtures/scenarios", name, "base")),
    loadSide(join(ROOT, "fixtures/scenarios", name, "head")),
    defaultConfig(),
    exposureOf,
  );

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
    expect(reductions(r)).toEqual([
      "db in namespace shop is no longer reachable from the internet via the load balancer db-external",
    ]);
    expect(headline(r)).toBe(
      "This PR reduces exposure (no risk found): db in namespace shop is no longer reachable from the internet via the load balancer db-external",
    );
  });

  it("a hardening pull request says in plain words what it reduces, the rest beside it", () => {
    const tighten = loadScenario("tighten-policy");
    expect(headline(tighten)).toBe(
      "This PR reduces reachability (low risk): web in namespace shop can no longer reach db on port 5432 (postgres)",
    );
    // The demo in reverse: a public database removed, TLS restored, connections cut.
    const back = diff(loadSide(join(DEMO, "head")), loadSide(join(DEMO, "base")));
    expect(reductions(back)).toEqual([
      "db in namespace shop is no longer reachable from the internet via the load balancer db-external",
      "the Ingress shop.example.com/api now uses TLS",
      "the Ingress shop.example.com/ now uses TLS",
      "the internet (0.0.0.0/0) can no longer reach db in namespace shop on port 5432 (postgres)",
      "prometheus in namespace monitoring can no longer reach web in namespace shop on port 8080",
    ]);
    // As much as fits two lines; the comment says the rest under it.
    expect(headline(back)).toBe(
      "This PR reduces exposure (low risk): db in namespace shop is no longer reachable from the internet via the load balancer db-external",
    );
    const comment = renderComment(back);
    expect(comment).toContain(
      "**Also reduces:** the Ingress shop.example.com/api now uses TLS; the Ingress shop.example.com/ now uses TLS; the internet \\(0.0.0.0/0\\) can no longer reach db in namespace shop on port 5432 \\(postgres\\); and 1 more",
    );
  });

  it("a narrowed load balancer says whom it admits now", () => {
    const office = lb.replace(
      "allocateLoadBalancerNodePorts: false",
      "allocateLoadBalancerNodePorts: false\n  loadBalancerSourceRanges: [203.0.113.0/24]",
    );
    const r = diff(cluster(app + lb), cluster(app + office));
    expect(reductions(r)).toEqual(["the load balancer db-external now admits only 203.0.113.0/24"]);
  });

  it("a change that adds and takes away says what it reduces beside its risk, in the same words", () => {
    const web = `\n---${app}`
      .replaceAll("db", "web")
      .replace("postgres", "nginx")
      .replace("pg, containerPort: 5432", "http, containerPort: 8080");
    const r = diff(cluster(app + lb), cluster(app + web));
    expect(onlyReduces(r)).toBe(false);
    const comment = renderComment(r);
    expect(comment).toContain(
      "**Reduces:** db in namespace shop is no longer reachable from the internet via the load balancer db-external",
    );
  });

  it("a change that adds exposure is not good news", () => {
    const r = diff(cluster(app), cluster(app + lb));
    expect(onlyReduces(r)).toBe(false);
    expect(headline(r)).toMatch(/^Critical risk: /);
  });
});
