// The declared dependencies found in the shared real-world sets (../shared/realworld), by source kind,
// and the declared flows each snapshot's policies deny. Checked by hand against the manifests.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { declaredFlowStates } from "../../src/analysis/declared-flows.js";
import type { Cluster } from "../../src/model/types.js";
import { loadSide } from "../../src/snapshot.js";

const REALWORLD = "../shared/realworld";

const bySource = (c: Cluster) => {
  const out: Record<string, number> = {};
  for (const d of c.dependencies) out[d.via] = (out[d.via] ?? 0) + 1;
  return out;
};
const denied = (c: Cluster) =>
  declaredFlowStates(c)
    .filter((s) => s.allowed.isEmpty())
    .map((s) => `${s.dependency.from} -> ${s.target.workload} TCP ${s.target.port} (${s.dependency.via})`);

const KUBE_PROMETHEUS = { Secret: 1, args: 1, ServiceMonitor: 11, Prometheus: 1, APIService: 1 };
const ONLINE_BOUTIQUE = { env: 16 };

describe.skipIf(!existsSync(REALWORLD))("declared dependencies of the real-world sets", () => {
  const cases: [string, Record<string, number>, string[]][] = [
    ["kube-prometheus-pr1650/base", KUBE_PROMETHEUS, []],
    [
      "kube-prometheus-pr1650/head",
      KUBE_PROMETHEUS,
      [
        "monitoring/Deployment/grafana -> monitoring/Prometheus/k8s TCP 9090 (Secret)",
        "monitoring/Deployment/prometheus-adapter -> monitoring/Prometheus/k8s TCP 9090 (args)",
      ],
    ],
    [
      "kube-prometheus-pr1982/base",
      KUBE_PROMETHEUS,
      ["monitoring/Deployment/prometheus-adapter -> monitoring/Prometheus/k8s TCP 9090 (args)"],
    ],
    ["kube-prometheus-pr1982/head", KUBE_PROMETHEUS, []],
    ["microservices-demo/rendered/base", ONLINE_BOUTIQUE, []],
    ["microservices-demo/rendered/head", ONLINE_BOUTIQUE, []],
    ["np-guard-online-boutique-pr60/base", ONLINE_BOUTIQUE, []],
    ["np-guard-online-boutique-pr60/bot-netpols", ONLINE_BOUTIQUE, []],
    [
      "np-guard-online-boutique-pr60/head",
      ONLINE_BOUTIQUE,
      ["default/Deployment/checkoutservice -> default/Deployment/paymentservice TCP 50051 (env)"],
    ],
    // Every test folder read as one cluster: only the counts mean something here.
    [
      "netpol-analyzer-testdata",
      { ConfigMap: 10, env: 18 },
      ["default/Deployment/cartservice -> default/Deployment/redis-cart TCP 6379 (env)"],
    ],
    // Echo servers told their own Service name (SERVICE_NAME): not a call.
    ["gateway-api-v1.6.1", {}, []],
    ["flux2-kustomize-helm-example", {}, []],
  ];
  for (const [set, sources, deniedFlows] of cases)
    it(set, () => {
      const c = loadSide(`${REALWORLD}/${set}`);
      expect(bySource(c)).toEqual(sources);
      expect(denied(c)).toEqual(deniedFlows);
    });

  it("kube-prometheus: what Grafana, the adapter, Prometheus and the API server are configured to call", () => {
    const c = loadSide(`${REALWORLD}/kube-prometheus-pr1650/head`);
    const line = (via: string) => {
      const d = c.dependencies.find((x) => x.via === via)!;
      return `${d.from} -> ${d.service}:${d.servicePort} ${d.role} at ${d.declared.file}:${d.declared.line} (${d.declared.field})`;
    };
    expect(line("Secret")).toBe(
      "monitoring/Deployment/grafana -> monitoring/Service/prometheus-k8s:9090 data source at manifests/grafana-dashboardDatasources.yaml:22 (data datasources.yaml)",
    );
    expect(line("args")).toBe(
      "monitoring/Deployment/prometheus-adapter -> monitoring/Service/prometheus-k8s:9090 service at manifests/prometheusAdapter-deployment.yaml:37 (args[4])",
    );
    expect(line("Prometheus")).toBe(
      "monitoring/Prometheus/k8s -> monitoring/Service/alertmanager-main:9093 Alertmanager at manifests/prometheus-prometheus.yaml:15 (spec.alerting.alertmanagers[0])",
    );
    expect(line("APIService")).toBe(
      "kube-apiserver -> monitoring/Service/prometheus-adapter:443 API service at manifests/prometheusAdapter-apiService.yaml:14 (spec.service)",
    );
    expect(
      c.dependencies
        .filter((d) => d.via === "ServiceMonitor")
        .map((d) => `${d.service}:${d.servicePort}`)
        .sort(),
    ).toEqual([
      "monitoring/Service/alertmanager-main:8080",
      "monitoring/Service/alertmanager-main:9093",
      "monitoring/Service/blackbox-exporter:9115",
      "monitoring/Service/grafana:3000",
      "monitoring/Service/kube-state-metrics:8443",
      "monitoring/Service/kube-state-metrics:9443",
      "monitoring/Service/node-exporter:9100",
      "monitoring/Service/prometheus-adapter:443",
      "monitoring/Service/prometheus-k8s:8080",
      "monitoring/Service/prometheus-k8s:9090",
      "monitoring/Service/prometheus-operator:8443",
    ]);
  });
});
