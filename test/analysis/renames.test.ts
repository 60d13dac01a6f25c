// Renames found once before the rules judge (analysis/renames.ts), on the real analysis of a release that
// renames 25 workloads of a namespace without NetworkPolicy (each open to every pod, so their peers alone
// cannot tell them apart: they pair in the order they are written).
import { describe, expect, it } from "vitest";
import { analyzeDiff } from "../../src/analysis/analyze.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { findRenames, samePods } from "../../src/analysis/renames.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { diffClusters } from "../../src/review/review.js";
import { cluster, renamedBehindLoadBalancer } from "../helpers/report.js";
import { deployment, docs, namespace } from "../rules/harness.js";

const N = 25;
const names = Array.from({ length: N }, (_, i) => `svc-${String(i).padStart(2, "0")}`);
const side = (rename: (n: string) => string) =>
  cluster(docs(namespace("shop"), ...names.map((n) => deployment("shop", rename(n), { app: n }))));

describe("findRenames", () => {
  const base = side((n) => n);
  const head = side((n) => `shop-${n}`);

  it("pairs each renamed workload with its new name and sets all their connections aside", () => {
    const { facts } = analyzeDiff(base, head, defaultConfig(), exposureOf);
    expect(facts.connections.length).toBeGreaterThan(N * N);
    const { renames, connections } = findRenames(facts.connections, facts.workloads);
    expect(renames.map((r) => [r.from, r.to])).toEqual(
      names.map((n) => [`shop/Deployment/${n}`, `shop/Deployment/shop-${n}`]),
    );
    expect(renames.every((r) => r.changed === 0 && r.same > N)).toBe(true);
    expect(connections).toEqual([]);
  });

  it("leaves the findings at one per rename", () => {
    const result = diffClusters(base, head, defaultConfig(), exposureOf);
    expect(result.findings.map((f) => f.rule)).toEqual(Array(N).fill("workload-renamed"));
    expect(result.renames?.connections).toEqual([]);
    expect(result.connections.length).toBeGreaterThan(N * N);
  });

  it("finds no rename when no workload was removed", () => {
    const { facts } = analyzeDiff(
      base,
      cluster(docs(namespace("shop"), ...names.map((n) => deployment("shop", n)), deployment("shop", "extra"))),
      defaultConfig(),
      exposureOf,
    );
    expect(findRenames(facts.connections, facts.workloads).renames).toEqual([]);
  });
});

/** A Deployment `name` in shop whose pods carry `labels` and listen on TCP 8080. */
const labelled = (name: string, labels: Record<string, string>) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${labels.app ?? name}}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}}
    spec: {containers: [{name: main, image: "registry.example.com/${name}:1", ports: [{name: http, containerPort: 8080}]}]}`;

describe("samePods: labels", () => {
  // A namespace without NetworkPolicy: every workload talks to every other, so the peers pair anything;
  // the labels tell a rename from a replacement.
  const renames = (before: [string, Record<string, string>], after: [string, Record<string, string>]) => {
    const side = ([name, labels]: [string, Record<string, string>]) =>
      cluster(docs(namespace("shop"), deployment("shop", "redis"), labelled(name, labels)));
    const result = diffClusters(side(before), side(after), defaultConfig(), exposureOf);
    return result.findings.filter((f) => f.rule === "workload-renamed").map((f) => f.objects);
  };

  it("pairs a rename whose name labels follow the name and whose other labels stay, per-revision labels aside", () => {
    expect(
      renames(
        [
          "web",
          {
            app: "web",
            "app.kubernetes.io/name": "web",
            tier: "frontend",
            "app.kubernetes.io/component": "ui",
            "pod-template-hash": "5d8f7",
            "app.kubernetes.io/version": "1.4.0",
            "helm.sh/chart": "web-1.4.0",
          },
        ],
        [
          "web-v2",
          {
            app: "web-v2",
            "app.kubernetes.io/name": "web-v2",
            tier: "frontend",
            "app.kubernetes.io/component": "ui",
            "pod-template-hash": "77c4b",
            "app.kubernetes.io/version": "2.0.0",
            "helm.sh/chart": "web-2.0.0",
          },
        ],
      ),
    ).toEqual([["shop/Deployment/web-v2", "shop/Deployment/web"]]);
  });

  it("pairs a release renamed in its instance label (the changed part of the name, myrel -> prod)", () => {
    expect(
      renames(
        ["myrel-nginx", { "app.kubernetes.io/name": "nginx", "app.kubernetes.io/instance": "myrel" }],
        ["prod-nginx", { "app.kubernetes.io/name": "nginx", "app.kubernetes.io/instance": "prod" }],
      ),
    ).toEqual([["shop/Deployment/prod-nginx", "shop/Deployment/myrel-nginx"]]);
  });

  it("pairs labels that are unchanged (the renamed-workloads scenario keeps app: cart on shop-cart)", () => {
    expect(renames(["cart", { app: "cart" }], ["shop-cart", { app: "cart" }])).toEqual([
      ["shop/Deployment/shop-cart", "shop/Deployment/cart"],
    ]);
  });

  it("does not pair a replacement on the same port with another tier or component", () => {
    expect(renames(["web", { app: "web", tier: "frontend" }], ["web-v2", { app: "web-v2", tier: "backend" }])).toEqual(
      [],
    );
    expect(
      renames(
        ["web", { app: "web", "app.kubernetes.io/component": "ui" }],
        ["worker", { app: "worker", "app.kubernetes.io/component": "queue-consumer" }],
      ),
    ).toEqual([]);
  });

  it("does not pair when a label is on one side only", () => {
    expect(renames(["web", { app: "web" }], ["web-v2", { app: "web-v2", team: "payments" }])).toEqual([]);
  });

  it("samePods compares the two sides' pod templates by id", () => {
    const base = cluster(docs(namespace("shop"), labelled("web", { app: "web", tier: "frontend" })));
    const head = cluster(
      docs(
        namespace("shop"),
        labelled("web-v2", { app: "web-v2", tier: "frontend" }),
        labelled("jobs", { app: "jobs", tier: "batch" }),
      ),
    );
    const alike = samePods(base, head);
    expect(alike("shop/Deployment/web", "shop/Deployment/web-v2")).toBe(true);
    expect(alike("shop/Deployment/web", "shop/Deployment/jobs")).toBe(false);
  });
});

describe("a renamed workload behind a load balancer", () => {
  // The Service selects app: web, which the rename keeps: its load balancer now reaches web-v2.
  const side = renamedBehindLoadBalancer;

  it("is no new exposure: its entry points the same under the new name are set aside for the rules and the outputs", () => {
    const r = diffClusters(side("web"), side("web-v2"), defaultConfig(), exposureOf);
    expect(r.findings.map((f) => f.rule)).toEqual(["workload-renamed"]);
    expect(r.risk).toBe("info");
    expect(r.exposures.length).toBeGreaterThan(0);
    expect(r.renames?.exposures).toEqual([]);
  });

  it("keeps what the rename also changed: a port the load balancer now publishes", () => {
    const r = diffClusters(
      side("web"),
      side("web-v2", ", {name: metrics, port: 9090, targetPort: metrics}"),
      defaultConfig(),
      exposureOf,
    );
    expect(r.findings.map((f) => f.rule)).toContain("workload-renamed");
    expect(r.renames?.exposures.length).toBeGreaterThan(0);
    expect(
      r.renames?.exposures.every((x) => x.head?.workload === "shop/Deployment/web-v2" && x.head.port === 9090),
    ).toBe(true);
    // 9090 is a sensitive port by default: internet-exposure-sensitive-port rather than new-internet-exposure.
    expect(r.findings.some((f) => /exposure/.test(f.rule) && f.message.includes("TCP 9090"))).toBe(true);
    expect(r.findings.some((f) => f.message.includes("8080"))).toBe(false);
  });
});
