// The model reads every kind it knows through one table: each entry kind lands in its typed
// collection, cluster-scoped kinds get no namespace, unknown kinds are not read.
import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import { KINDS, kindEntry } from "../../src/model/kind-table.js";

const YAML = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old, namespace: web}
spec: {backend: {serviceName: web, servicePort: 80}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: eg
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db, namespace: data}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  rules: [{backendRefs: [{name: db, port: 5432}]}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: from-infra, namespace: data}
spec:
  from: [{group: gateway.networking.k8s.io, kind: TCPRoute, namespace: data}]
  to: [{group: "", kind: Service}]
---
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: web}
spec: {to: {kind: Service, name: web}}
---
apiVersion: example.com/v1
kind: Gateway
metadata: {name: not-gateway-api, namespace: infra}
`;

describe("the kind table", () => {
  const cluster = buildCluster(parseManifestText("kinds.yaml", YAML, new Diagnostics()), {
    defaultNamespace: "apps",
  });

  it("reads each entry kind into its typed collection, with the namespace defaulted and cluster scope kept", () => {
    expect(cluster.ingressClasses.map((o) => [o.id, o.isDefault, o.controller])).toEqual([
      ["IngressClass/nginx", true, "k8s.io/ingress-nginx"],
    ]);
    expect(cluster.ingresses.map((o) => [o.id, o.defaultBackend])).toEqual([
      ["web/Ingress/old", { type: "service", name: "web", port: 80, line: 10 }],
    ]);
    expect(cluster.gatewayClasses.map((o) => o.id)).toEqual(["GatewayClass/eg"]);
    expect(cluster.gateways.map((o) => [o.id, o.listeners.map((l) => `${l.name}:${l.port}`)])).toEqual([
      ["infra/Gateway/gw", ["http:80"]],
    ]);
    expect(cluster.xroutes.map((o) => [o.id, o.kind, o.parentRefs[0].namespace])).toEqual([
      ["data/TCPRoute/db", "TCPRoute", "infra"],
    ]);
    expect(cluster.referenceGrants.map((o) => o.id)).toEqual(["data/ReferenceGrant/from-infra"]);
    expect(cluster.openshiftRoutes.map((o) => [o.id, o.namespace])).toEqual([["apps/Route/web", "apps"]]);
    expect(cluster.others).toEqual([]);
    expect(cluster.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it("lists each group and kind once, and knows a kind only in its own group", () => {
    const keys = KINDS.map((k) => `${k.group}/${k.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(kindEntry("gateway.networking.k8s.io", "Gateway")).toBeDefined();
    expect(kindEntry("example.com", "Gateway")).toBeUndefined();
    expect(kindEntry("", "constructor")).toBeUndefined();
  });
});
