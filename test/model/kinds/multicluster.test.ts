// ServiceExport and ServiceImport (multicluster.x-k8s.io, KEP-1645) read into their collections; a
// ServiceImport of an unknown type is invalid at its line; an export with no Service exports nothing.
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../../src/config/load-config.js";
import { Diagnostics } from "../../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../../src/manifests/parse.js";
import { buildCluster } from "../../../src/model/build.js";

const read = (yaml: string) =>
  buildCluster(parseManifestText("mcs.yaml", yaml, new Diagnostics()), { defaultNamespace: "apps" });

describe("multi-cluster Services", () => {
  it("reads a ServiceExport (no spec) and a Headless ServiceImport, namespaced", () => {
    const c = read(`
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceExport
metadata: {name: db}
---
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceImport
metadata: {name: db, namespace: data}
spec: {type: Headless, ports: [{port: 5432}]}`);
    expect(c.serviceExports?.map((x) => [x.id, x.source.line])).toEqual([["apps/ServiceExport/db", 2]]);
    expect(c.serviceImports?.map((x) => [x.id, x.type, x.ports])).toEqual([
      ["data/ServiceImport/db", "Headless", [{ name: undefined, protocol: "TCP", port: 5432 }]],
    ]);
  });

  it("a ServiceImport of another type is skipped with an error at its line", () => {
    const c = read(`
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceImport
metadata: {name: db}
spec:
  type: LoadBalancer`);
    expect(c.serviceImports).toEqual([]);
    expect(c.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([
      ["error", 6, expect.stringContaining("must be one of ClusterSetIP, Headless")],
    ]);
  });

  it("an export of a missing or ExternalName Service exposes nothing and says why", () => {
    const c = read(`
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: db.example.com}
---
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceExport
metadata: {name: ext}
---
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceExport
metadata: {name: gone}`);
    const r = exposureOf(c, defaultConfig());
    expect(r.exposures).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("apps/ServiceExport/ext: apps/Service/ext is an ExternalName Service"),
      expect.stringContaining("apps/ServiceExport/gone names no Service of these manifests"),
    ]);
  });

  it("an HTTPRoute to a ServiceImport (a multi-cluster Gateway) is no broken route; a missing import is", () => {
    const gateway = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: external, namespace: infra}
spec:
  gatewayClassName: gke-l7-global-external-managed-mc
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store, namespace: apps}
spec:
  parentRefs: [{name: external, namespace: infra}]
  rules: [{backendRefs: [{group: multicluster.x-k8s.io, kind: ServiceImport, name: store, port: 8080}]}]`;
    const imported = read(`${gateway}
---
apiVersion: multicluster.x-k8s.io/v1alpha1
kind: ServiceImport
metadata: {name: store}
spec: {ports: [{port: 8080}]}`);
    const r = exposureOf(imported, defaultConfig());
    expect(r.broken).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toContain(
      "apps/HTTPRoute/store rule 1: backendRef apps/ServiceImport/store is a multi-cluster Service: its pods are in other clusters of the clusterset, and what this route lets reach them is not analysed here",
    );
    expect(exposureOf(read(gateway), defaultConfig()).broken.map((b) => b.reason)).toEqual([
      "BackendNotFound: rule 1: ServiceImport apps/ServiceImport/store is not in the manifests",
    ]);
  });
});
