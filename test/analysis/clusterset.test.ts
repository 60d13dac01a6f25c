// Multi-cluster Services across environments: a ServiceExport in one cluster's environment, a
// ServiceImport in another's; the review says which environments newly reach an exported Service, and
// the exporting environment's exposure and finding say the Service is open to the clusterset.
import { describe, expect, it } from "vitest";
import { declaredFlowStates } from "../../src/analysis/declared-flows.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import { depsText } from "../../src/report/deps-report.js";
import { diffEnvironments, type EnvironmentPair } from "../../src/review/environments.js";

const cluster = (file: string, yaml: string) =>
  buildCluster(parseManifestText(file, yaml, new Diagnostics()), {}, new Diagnostics());

const CART = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: cart, image: cart:1, ports: [{name: grpc, containerPort: 7070}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec: {selector: {app: cart}, ports: [{port: 7070, targetPort: grpc}]}`;
const EXPORT = `
---
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceExport
metadata: {name: cart, namespace: shop}`;
const FRONTEND = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: web, image: web:1, env: [{name: CART_ADDR, value: "cart.shop.svc.clusterset.local:7070"}]}]}
---
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceImport
metadata: {name: cart, namespace: shop}
spec: {type: ClusterSetIP, ports: [{name: grpc, protocol: TCP, port: 7070}]}`;

function review(eastHead: string, clusters: [string?, string?] = ["east", "west"]) {
  const pairs: EnvironmentPair[] = [
    {
      name: "east",
      cluster: clusters[0],
      base: cluster("east/app.yaml", CART),
      head: cluster("east/app.yaml", eastHead),
    },
    {
      name: "west",
      cluster: clusters[1],
      base: cluster("west/app.yaml", FRONTEND),
      head: cluster("west/app.yaml", FRONTEND),
    },
  ];
  return diffEnvironments(pairs, defaultConfig(), exposureOf);
}

describe("multi-cluster Services across environments", () => {
  it("reads ServiceImport as a remote destination with its type and ports", () => {
    const west = cluster("west/app.yaml", FRONTEND);
    expect(west.serviceImports).toEqual([
      expect.objectContaining({
        id: "shop/ServiceImport/cart",
        type: "ClusterSetIP",
        ports: [{ name: "grpc", protocol: "TCP", port: 7070 }],
      }),
    ]);
    expect(west.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("an export added in east is an exposure to the clusterset there, a finding, and a note naming west as its importer", () => {
    const r = review(CART + EXPORT);
    expect(
      r.exposures.map((x) => [x.environment, x.change, x.head?.via.kind, x.head?.via.host, x.head?.workload]),
    ).toEqual([["east", "added", "ServiceExport", "cart.shop.svc.clusterset.local", "shop/Deployment/cart"]]);
    expect(r.findings.map((f) => [f.environment, f.rule])).toEqual([["east", "new-service-export"]]);
    expect(r.notes).toContain(
      "shop/cart (cart.shop.svc.clusterset.local), exported by east, becomes reachable from west (ServiceImport at west/app.yaml:11).",
    );
  });

  it("an import nobody in the repository exports is said; environments without clusters are no clusterset", () => {
    expect(review(CART).notes).toContain(
      "shop/cart (cart.shop.svc.clusterset.local) is imported by west but exported by no environment of this repository: it must come from a cluster deployed elsewhere.",
    );
    expect(review(CART + EXPORT, [undefined, undefined]).notes.filter((n) => n.includes("clusterset.local"))).toEqual(
      [],
    );
  });

  it("a clusterset address of a ServiceImport is a declared remote destination; an egress lockdown that cuts it is a finding", () => {
    const west = cluster("west/app.yaml", FRONTEND);
    expect(west.dependencies.map((d) => [d.from, d.service, d.address, d.targets])).toEqual([
      [
        "shop/Deployment/frontend",
        "shop/ServiceImport/cart",
        "cart.shop.svc.clusterset.local:7070",
        [{ workload: "shop/ServiceImport/cart", protocol: "TCP", port: 7070 }],
      ],
    ]);
    const denyEgress = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress]}`;
    const r = diffEnvironments(
      [
        {
          name: "east",
          cluster: "east",
          base: cluster("east/app.yaml", CART + EXPORT),
          head: cluster("east/app.yaml", CART + EXPORT),
        },
        { name: "west", cluster: "west", base: west, head: cluster("west/app.yaml", FRONTEND + denyEgress) },
      ],
      defaultConfig(),
      exposureOf,
    );
    const blocked = r.findings.filter((f) => f.rule === "declared-dependency-blocked");
    expect(blocked.map((f) => [f.environment, f.message])).toEqual([
      ["west", "frontend can no longer reach cart.shop.svc.clusterset.local:7070 (env CART_ADDR, line 9)"],
    ]);
  });

  it("deps lists the remote destination as the import, its pods in other clusters, allowed while egress is open", () => {
    const west = cluster("west/app.yaml", FRONTEND);
    expect(depsText(declaredFlowStates(west), west)).toContain(
      "-> cart.shop.svc.clusterset.local:7070 (service)  shop/ServiceImport/cart (pods in other clusters) TCP 7070  allowed",
    );
  });
});
