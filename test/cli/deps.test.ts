// What a user sees of the declared dependencies: `reachdiff deps`, the `dependencies` and the marked
// edges of `reach --format json`, and `explain` naming where a flow is declared.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { declaredFlowStates } from "../../src/analysis/declared-flows.js";
import { explain } from "../../src/analysis/explain.js";
import { explanationText } from "../../src/report/explain-text.js";
import { computeConnectivity } from "../../src/analysis/reach.js";
import { depsText } from "../../src/report/deps-report.js";
import { reachJson } from "../../src/report/reach-report.js";
import { loadSnapshot } from "../../src/snapshot.js";

const STACK = "fixtures/scenarios/declared-monitoring-stack/head";
const SHOP = "fixtures/scenarios/declared-env-addresses/base";

describe("declared dependencies in the commands", () => {
  it("deps lists each declared flow with where it is declared and whether the policies allow it", () => {
    const cluster = loadSnapshot([STACK]);
    const text = depsText(declaredFlowStates(cluster), cluster);
    expect(text.split("\n").slice(0, 5)).toEqual([
      "4 declared dependencies (4 flows to pods), 1 denied by the policies",
      "",
      "monitoring/Deployment/grafana  [resolves names: needs DNS egress to kube-dns on 53]",
      "  -> prometheus-k8s.monitoring.svc:9090 (data source)  monitoring/Service/prometheus-k8s -> monitoring/Prometheus/k8s TCP 9090  DENIED",
      `     declared in monitoring/Secret/grafana-datasources data datasources.yaml at ${STACK}/grafana.yaml:14`,
    ]);
    expect(text).toContain(
      `     declared in monitoring/ServiceMonitor/grafana spec.endpoints[0] at ${STACK}/monitoring.yaml:84`,
    );
  });

  it("deps --format json through the built CLI", () => {
    const r = spawnSync(process.execPath, ["build/src/cli/main.js", "deps", SHOP, "--format", "json"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.needsDns).toEqual(["shop/Deployment/checkout", "shop/Deployment/frontend"]);
    expect(
      out.dependencies.map(
        (d: { from: string; address: string; source: string; allowed: boolean }) =>
          `${d.from} ${d.address} ${d.source} ${d.allowed}`,
      ),
    ).toEqual([
      "shop/Deployment/frontend cart:7070 env true",
      "shop/Deployment/frontend checkout.shop.svc.cluster.local:5050 env true",
      "shop/Deployment/checkout payment:50051 env true",
      "shop/Deployment/checkout currency.shop.svc:7000 ConfigMap true",
    ]);
  });

  it("deps lists the backends an Ingress controller must reach, and whether a policy blocks them", () => {
    const r = spawnSync(process.execPath, ["build/src/cli/main.js", "deps", "fixtures/demo/head", "--format", "json"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(
      out.backends.map((b: { entry: string; to: string; port: number; allowed: boolean }) => [
        b.entry,
        b.to,
        b.port,
        b.allowed,
      ]),
    ).toEqual([
      ["Ingress shop.example.com/ (shop/Ingress/shop)", "shop/Deployment/web", 8080, true],
      ["Ingress shop.example.com/api (shop/Ingress/shop)", "shop/Deployment/api", 9000, true],
    ]);
  });

  it("reach --format json marks the edges that carry a declared flow", () => {
    const cluster = loadSnapshot([SHOP]);
    const out = JSON.parse(JSON.stringify(reachJson(computeConnectivity(cluster), cluster)));
    const edge = (from: string, to: string) =>
      out.edges.find((e: { from: string; to: string }) => e.from === from && e.to === to);
    expect(edge("shop/Deployment/checkout", "shop/Deployment/payment").declared).toEqual([
      { address: "payment:50051", role: "service", file: `${SHOP}/workloads.yaml`, line: 49 },
    ]);
    expect(edge("shop/Deployment/checkout", "shop/Deployment/cart").declared).toBeUndefined();
    expect(out.dependencies).toHaveLength(4);
  });

  it("explain says where the flow is declared", () => {
    const cluster = loadSnapshot(["fixtures/scenarios/declared-env-addresses/head"]);
    const text = explanationText(explain(cluster, "shop/Deployment/checkout", "shop/Deployment/payment"));
    expect(text.split("\n").slice(0, 2)).toEqual([
      "shop/Deployment/checkout -> shop/Deployment/payment: DENIED",
      "  declared: payment:50051 (service, TCP 50051 on the pods) in env PAYMENT_SERVICE_ADDR at fixtures/scenarios/declared-env-addresses/head/workloads.yaml:49",
    ]);
    // Another port of the same pair is not the declared flow.
    const other = explain(cluster, "shop/Deployment/checkout", "shop/Deployment/payment", {
      protocol: "TCP",
      port: 80,
    });
    expect(other.declared).toEqual([]);
  });
});
