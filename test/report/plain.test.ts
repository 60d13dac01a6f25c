// The headline in plain words: objects by name and namespace, a new exposure by its way in, and never
// longer than about two lines of a comment.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { headline } from "../../src/report/diff-text.js";
import { plainFinding, plainObject } from "../../src/report/plain.js";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { loadSide } from "../../src/snapshot.js";

const SCENARIOS = resolve(import.meta.dirname, "../../fixtures/scenarios");
const scenario = (name: string) =>
  diffClusters(
    loadSide(join(SCENARIOS, name, "base")),
    loadSide(join(SCENARIOS, name, "head")),
    defaultConfig(),
    exposureOf,
  );

describe("plainObject", () => {
  it("names a workload by name and namespace, other kinds with their kind", () => {
    expect(plainObject("shop/StatefulSet/db")).toBe("db in namespace shop");
    expect(plainObject("shop/Service/db-external")).toBe("Service db-external in namespace shop");
    expect(plainObject("monitoring/Prometheus/k8s")).toBe("Prometheus k8s in namespace monitoring");
    expect(plainObject("kube-apiserver")).toBe("the API server");
    expect(plainObject("Namespace/shop")).toBe("Namespace shop");
  });
});

describe("plainFinding", () => {
  it("says what a new public load balancer does, in the words of the exposure", () => {
    const r = scenario("db-loadbalancer");
    expect(plainFinding(r, r.findings[0])).toBe(
      "this PR makes db in namespace shop reachable from the internet on port 5432 (postgres) through the load balancer db-public",
    );
  });

  it("says the condition of an entry on the nodes", () => {
    const r = scenario("web-nodeport");
    expect(headline(r)).toBe(
      "Medium risk: this PR makes blog in namespace blog reachable on node port 30080 of every node, from the internet if nodes are public",
    );
  });

  it("leaves where a dependency is declared, and why a flow broke, to the findings table", () => {
    expect(headline(scenario("declared-monitoring-stack"))).toBe(
      "High risk: grafana can no longer reach its data source prometheus-k8s.monitoring.svc:9090",
    );
    expect(headline(scenario("one-sided-egress-removal"))).toBe(
      "High risk: api in namespace shop can no longer reach db in namespace shop (TCP 5432)",
    );
  });

  it("keeps every scenario's headline to about two lines (the browser test measures them)", () => {
    for (const name of readdirSync(SCENARIOS).filter((n) => existsSync(join(SCENARIOS, n, "head"))))
      expect(headline(scenario(name)).length, name).toBeLessThanOrEqual(145);
  });
});
