// The entry objects of a snapshot (Ingress, IngressClass, the Gateway API kinds, OpenShift Route),
// read from the objects the model builder keeps unparsed.
import { Diagnostics } from "../../manifests/diagnostics.js";
import { InvalidObject } from "../../model/fields.js";
import {
  GATEWAY_GROUP,
  isRouteKind,
  knownGatewayVersion,
  readGateway,
  readGatewayClass,
  readReferenceGrant,
  readRoute,
  type Gateway,
  type GatewayClass,
  type ReferenceGrant,
  type Route,
} from "../../model/kinds/gateway.js";
import { readIngress, readIngressClass, type Ingress, type IngressClass } from "../../model/kinds/ingress.js";
import { readOpenShiftRoute, type OpenShiftRoute } from "../../model/kinds/route.js";
import type { Cluster, OtherObject } from "../../model/types.js";

export interface EntryObjects {
  readonly ingresses: Ingress[];
  readonly ingressClasses: IngressClass[];
  readonly gatewayClasses: GatewayClass[];
  readonly gateways: Gateway[];
  readonly routes: Route[];
  readonly grants: ReferenceGrant[];
  readonly openshiftRoutes: OpenShiftRoute[];
}

function readEach<T>(objects: readonly OtherObject[], read: (o: OtherObject) => T, diagnostics: Diagnostics): T[] {
  const out: T[] = [];
  for (const o of objects) {
    try {
      out.push(read(o));
    } catch (e) {
      if (!(e instanceof InvalidObject)) throw e;
      diagnostics.error(
        o.source.file,
        o.source.lineOf(e.path),
        `${o.kind} ${o.name} is invalid and skipped: ${e.message}`.replace(/\s+/g, " "),
        o.id,
      );
    }
  }
  return out;
}

/** Reads the Ingress, Gateway API and OpenShift Route objects of a snapshot; a broken one never hides the others. */
export function readEntryObjects(cluster: Cluster, diagnostics = new Diagnostics()): EntryObjects {
  const of = (group: string | string[], kind: string) => {
    const groups = Array.isArray(group) ? group : [group];
    return cluster.others.filter(
      (o) =>
        o.kind === kind &&
        groups.includes(o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf("/")) : ""),
    );
  };
  const gatewayApi = cluster.others.filter((o) => o.apiVersion.startsWith(`${GATEWAY_GROUP}/`));
  for (const o of gatewayApi)
    if (!knownGatewayVersion(o.apiVersion))
      diagnostics.warning(
        o.source.file,
        o.source.lineOf(["apiVersion"]),
        `${o.apiVersion} is not a Gateway API version this tool knows; ${o.kind} ${o.name} is read as v1`,
        o.id,
      );
  const gw = (kind: string) => gatewayApi.filter((o) => o.kind === kind);
  return {
    ingresses: readEach(of(["networking.k8s.io", "extensions"], "Ingress"), readIngress, diagnostics),
    ingressClasses: readEach(of("networking.k8s.io", "IngressClass"), readIngressClass, diagnostics),
    gatewayClasses: readEach(gw("GatewayClass"), readGatewayClass, diagnostics),
    gateways: readEach(gw("Gateway"), readGateway, diagnostics),
    routes: readEach(
      gatewayApi.filter((o) => isRouteKind(o.kind)),
      readRoute,
      diagnostics,
    ),
    grants: readEach(gw("ReferenceGrant"), readReferenceGrant, diagnostics),
    openshiftRoutes: readEach(of("route.openshift.io", "Route"), readOpenShiftRoute, diagnostics),
  };
}
