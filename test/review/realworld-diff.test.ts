// Real pull requests from public repositories (../shared/realworld, see its README): what the diff
// reports was checked by hand against each PR's description and is pinned here.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DiffResult } from "../../src/rules/judge.js";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { loadSide } from "../../src/snapshot.js";

const REALWORLD = "../shared/realworld";
const run = (base: string, head: string): DiffResult =>
  diffClusters(loadSide(`${REALWORLD}/${base}`), loadSide(`${REALWORLD}/${head}`), defaultConfig(), exposureOf);
const pairs = (r: DiffResult, change: string) =>
  r.connections
    .filter((c) => c.change === change)
    .map((c) => `${c.from} -> ${c.to} ${c.change === "removed" ? c.base : c.head}`);

describe.skipIf(!existsSync(REALWORLD))("real pull requests", () => {
  it("np-guard online-boutique PR #60: the later edit silently cuts checkout -> payment and opens frontend -> email TCP 8080", () => {
    const r = run("np-guard-online-boutique-pr60/bot-netpols", "np-guard-online-boutique-pr60/head");
    expect(pairs(r, "added")).toEqual(["default/Deployment/frontend -> default/Deployment/emailservice TCP 8080"]);
    expect(pairs(r, "removed")).toEqual([
      "default/Deployment/checkoutservice -> default/Deployment/paymentservice TCP 50051",
    ]);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([
      ["declared-dependency-blocked", "high"],
      ["flow-blocked-one-sided", "high"],
      ["new-connection", "low"],
      ["connections-removed", "info"],
    ]);
    expect(r.risk).toBe("high");
    // The headline says what breaks: checkout calls payment by the address in its env.
    expect(r.findings[0].message).toBe(
      "checkoutservice can no longer reach paymentservice:50051 (env PAYMENT_SERVICE_ADDR, line 109)",
    );
    const cut = r.findings[1];
    expect(cut.message).toContain("checkoutservice's egress policy stopped allowing it");
    expect(cut.file).toBe("release/netpols.yaml");
    expect(r.connections.find((c) => c.change === "removed")!.causes.map((o) => o.id)).toContain(
      "default/NetworkPolicy/checkoutservice-netpol",
    );
  });

  it("np-guard online-boutique PR #60: the bot's policies isolate every pod, and some lose DNS", () => {
    const r = run("np-guard-online-boutique-pr60/base", "np-guard-online-boutique-pr60/bot-netpols");
    expect(pairs(r, "added")).toEqual([]);
    expect(r.objects.filter((o) => o.kind === "NetworkPolicy" && o.change === "added")).toHaveLength(12);
    const dns = r.findings.filter((f) => f.rule === "dns-egress-lost").map((f) => f.objects[0]);
    // Only the policies of frontend, checkout, cart, recommendation and loadgenerator allow UDP 53.
    expect(dns).toEqual([
      "default/Deployment/adservice",
      "default/Deployment/currencyservice",
      "default/Deployment/emailservice",
      "default/Deployment/paymentservice",
      "default/Deployment/productcatalogservice",
      "default/Deployment/redis-cart",
      "default/Deployment/shippingservice",
    ]);
    expect(r.exposures).toEqual([]);
  });

  it("kube-prometheus PR #1982: prometheus-adapter may now reach the operator-managed Prometheus on TCP 9090", () => {
    const r = run("kube-prometheus-pr1982/base", "kube-prometheus-pr1982/head");
    expect(r.connections.map((c) => `${c.change} ${c.from} -> ${c.to} ${c.head}`)).toEqual([
      "added monitoring/Deployment/prometheus-adapter -> monitoring/Prometheus/k8s TCP 9090",
    ]);
    expect(r.objects.map((o) => `${o.change} ${o.id}`)).toEqual(["changed monitoring/NetworkPolicy/prometheus-k8s"]);
    expect(r.findings.map((f) => f.rule)).toEqual(["new-connection"]);
    expect(r.risk).toBe("low");
  });

  it("kube-prometheus PR #1650: eight new NetworkPolicies only take connections away", () => {
    const r = run("kube-prometheus-pr1650/base", "kube-prometheus-pr1650/head");
    expect(r.objects.filter((o) => o.kind === "NetworkPolicy").map((o) => o.change)).toEqual(Array(8).fill("added"));
    expect(pairs(r, "added")).toEqual([]);
    expect(r.connections.filter((c) => c.change === "changed" && !c.head.subtract(c.base).isEmpty())).toEqual([]);
    expect(r.exposures).toEqual([]);
    expect(new Set(r.findings.map((f) => f.rule))).toEqual(
      new Set(["declared-dependency-blocked", "connections-removed"]),
    );
    // The two flows the configuration declares and the PR cut (both fixed upstream later).
    expect(r.findings.filter((f) => f.rule === "declared-dependency-blocked").map((f) => f.message)).toEqual([
      "grafana can no longer reach its data source prometheus-k8s.monitoring.svc:9090 (grafana-datasources, line 22)",
      "prometheus-adapter can no longer reach prometheus-k8s.monitoring.svc:9090 (args[4], line 37)",
    ]);
    // The new prometheus-k8s policy admits only Prometheus itself, so Grafana loses its data source:
    // the regression upstream fixed later in PR #1721 (grafana -> prometheus-k8s TCP 9090).
    const grafana = r.connections.find(
      (c) => c.from === "monitoring/Deployment/grafana" && c.to === "monitoring/Prometheus/k8s",
    )!;
    expect([grafana.change, `${grafana.base}`]).toEqual(["removed", "all ports"]);
    expect(
      r.findings.find((f) => f.rule === "connections-removed" && f.message.startsWith("monitoring/Deployment/grafana"))!
        .objects,
    ).toContain("monitoring/Prometheus/k8s");
  });

  it("microservices-demo: the public LoadBalancer gives way to a Gateway route, and policies lock the namespace down", () => {
    const r = run("microservices-demo/rendered/base", "microservices-demo/rendered/head");
    const exposures = r.exposures.map(
      (c) =>
        `${c.change} ${c.head?.via.kind ?? c.base?.via.kind} ${(c.head ?? c.base)!.via.ref} -> ${(c.head ?? c.base)!.workload}`,
    );
    expect(exposures).toEqual([
      "added Gateway default/HTTPRoute/frontend-route -> default/Deployment/frontend",
      "removed LoadBalancer default/Service/frontend-external -> default/Deployment/frontend",
      "removed NodePort default/Service/frontend-external -> default/Deployment/frontend",
    ]);
    expect(pairs(r, "added")).toEqual([]);
    expect(r.objects.filter((o) => o.kind === "NetworkPolicy" && o.change === "added")).toHaveLength(13);
    expect(r.findings.map((f) => f.rule)).toContain("wildcard-host");
  });
});
