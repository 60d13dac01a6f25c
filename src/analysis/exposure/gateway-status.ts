// Gateway API route attachment, as a conformant implementation would set status.parents (Accepted and its
// reasons) and ResolvedRefs: which listeners a route attaches to, with which hostnames, and which
// backendRefs resolve to a Service port.
import { type Labels, matches } from "../../core/label-selector.js";
import { NAMESPACE_NAME_LABEL } from "../../core/labels.js";
import { type Gateway, kindsForProtocol, type Listener } from "../../model/kinds/gateway.js";
import { GATEWAY_GROUP } from "../../model/kinds/gateway-api.js";
import { MCS_GROUP } from "../../model/kinds/multicluster.js";
import type { ReferenceGrant } from "../../model/kinds/reference-grant.js";
import { type BackendRef, intersectHostnames, type XRoute } from "../../model/kinds/xroute.js";
import type { Cluster, Service, ServicePort } from "../../model/types.js";

export type AttachReason = "Accepted" | "NotAllowedByListeners" | "NoMatchingListenerHostname" | "NoMatchingParent";
/** Remote: a ServiceImport (Multi-cluster Services), whose pods are in other clusters of the clusterset. */
export type BackendReason = "ResolvedRefs" | "Remote" | "InvalidKind" | "RefNotPermitted" | "BackendNotFound";

export interface ParentStatus {
  /** ns/Gateway/name */
  readonly parent: string;
  readonly sectionName?: string;
  readonly port?: number;
  readonly accepted: boolean;
  readonly reason: AttachReason;
  readonly message: string;
  /** The listeners the route attaches to, with the hostnames it serves there (undefined: every host). */
  readonly listeners: readonly { readonly listener: Listener; readonly hostnames: readonly (string | undefined)[] }[];
  readonly line: number;
}

export interface BackendStatus {
  readonly rule: number;
  readonly ref: BackendRef;
  readonly reason: BackendReason;
  readonly message: string;
  readonly service?: Service;
  readonly servicePort?: ServicePort;
}

export interface RouteStatus {
  readonly route: XRoute;
  readonly parents: readonly ParentStatus[];
  readonly backends: readonly BackendStatus[];
}

function namespaceLabels(cluster: Cluster, namespace: string): Labels {
  return cluster.namespaces.get(namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

function listenerAllowsKind(l: Listener, kind: string): boolean {
  const carried = kindsForProtocol(l.protocol, l.tlsMode);
  if (l.allowedKinds === null) return carried === null || carried.includes(kind as never);
  // Explicit kinds the protocol cannot carry make the listener refuse them (InvalidRouteKinds).
  return (
    l.allowedKinds.some((k) => k.group === GATEWAY_GROUP && k.kind === kind) &&
    (carried === null || carried.includes(kind as never))
  );
}

function listenerAllowsNamespace(cluster: Cluster, gateway: Gateway, l: Listener, namespace: string): boolean {
  switch (l.allowedNamespaces.from) {
    case "All":
      return true;
    case "Same":
      return namespace === gateway.namespace;
    case "None":
      return false;
    case "Selector":
      return matches(l.allowedNamespaces.selector, namespaceLabels(cluster, namespace));
  }
}

/** A ReferenceGrant in the target namespace that lets `from` refer to the target, if any. */
export function findGrant(
  grants: readonly ReferenceGrant[],
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): ReferenceGrant | undefined {
  return grants.find(
    (g) =>
      g.namespace === to.namespace &&
      g.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      g.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name)),
  );
}

function attach(cluster: Cluster, gateways: ReadonlyMap<string, Gateway>, route: XRoute): ParentStatus[] {
  const out: ParentStatus[] = [];
  for (const ref of route.parentRefs) {
    if (ref.group !== GATEWAY_GROUP || ref.kind !== "Gateway") continue; // mesh (Service) and ListenerSet parents: not an entry
    const parent = `${ref.namespace}/Gateway/${ref.name}`;
    const base = { parent, sectionName: ref.sectionName, port: ref.port, line: ref.line };
    const gateway = gateways.get(parent);
    if (!gateway) {
      out.push({
        ...base,
        accepted: false,
        reason: "NoMatchingParent",
        message: `Gateway ${parent} is not in the manifests`,
        listeners: [],
      });
      continue;
    }
    const wanted = [
      ref.sectionName !== undefined ? `sectionName ${ref.sectionName}` : "",
      ref.port !== undefined ? `port ${ref.port}` : "",
    ]
      .filter(Boolean)
      .join(" and ");
    const candidates = gateway.listeners.filter(
      (l) =>
        (ref.sectionName === undefined || l.name === ref.sectionName) &&
        (ref.port === undefined || l.port === ref.port),
    );
    if (!candidates.length) {
      out.push({
        ...base,
        accepted: false,
        reason: "NoMatchingParent",
        message: `${parent} has no listener with ${wanted || "any name"}`,
        listeners: [],
      });
      continue;
    }
    const allowed = candidates.filter(
      (l) => listenerAllowsKind(l, route.kind) && listenerAllowsNamespace(cluster, gateway, l, route.namespace),
    );
    if (!allowed.length) {
      const why = candidates.map((l) =>
        !listenerAllowsKind(l, route.kind)
          ? `listener ${l.name} (${l.protocol}) does not accept ${route.kind}`
          : `listener ${l.name} accepts routes from ${l.allowedNamespaces.from === "Selector" ? `namespaces matching ${l.allowedNamespaces.selector.key}` : l.allowedNamespaces.from === "Same" ? `${gateway.namespace} only` : "no namespace"}`,
      );
      out.push({ ...base, accepted: false, reason: "NotAllowedByListeners", message: why.join("; "), listeners: [] });
      continue;
    }
    const listeners = allowed.flatMap((listener) => {
      const hostnames =
        route.kind === "TCPRoute" || route.kind === "UDPRoute"
          ? [undefined]
          : intersectHostnames(listener.hostname, route.hostnames);
      return hostnames ? [{ listener, hostnames }] : [];
    });
    if (!listeners.length) {
      out.push({
        ...base,
        accepted: false,
        reason: "NoMatchingListenerHostname",
        message: `hostnames ${route.hostnames.join(", ")} match no listener hostname (${allowed.map((l) => l.hostname ?? "*").join(", ")})`,
        listeners: [],
      });
      continue;
    }
    out.push({
      ...base,
      accepted: true,
      reason: "Accepted",
      message: `attached to ${listeners.map((l) => l.listener.name).join(", ")}`,
      listeners,
    });
  }
  return out;
}

function resolveBackends(
  services: ReadonlyMap<string, Service>,
  grants: readonly ReferenceGrant[],
  route: XRoute,
  imports: ReadonlySet<string> = new Set(),
): BackendStatus[] {
  const out: BackendStatus[] = [];
  for (const rule of route.rules)
    for (const ref of rule.backendRefs) {
      const target = `${ref.namespace}/${ref.kind}/${ref.name}`;
      const status = (reason: BackendReason, message: string, service?: Service, servicePort?: ServicePort) =>
        out.push({ rule: rule.index, ref, reason, message, service, servicePort });
      // Multi-cluster Gateways route to a ServiceImport (GEP-1748): the endpoints are other clusters' pods.
      if (ref.group === MCS_GROUP && ref.kind === "ServiceImport") {
        if (imports.has(target))
          status(
            "Remote",
            `backendRef ${target} is a multi-cluster Service: its pods are in other clusters of the clusterset, and what this route lets reach them is not analysed here`,
          );
        else status("BackendNotFound", `ServiceImport ${target} is not in the manifests`);
        continue;
      }
      if (ref.group !== "" || ref.kind !== "Service") {
        status("InvalidKind", `backendRef kind ${ref.group ? `${ref.group}/` : ""}${ref.kind} is not a Service`);
        continue;
      }
      if (
        ref.namespace !== route.namespace &&
        !findGrant(
          grants,
          { group: GATEWAY_GROUP, kind: route.kind, namespace: route.namespace },
          { group: "", kind: "Service", namespace: ref.namespace, name: ref.name },
        )
      ) {
        status(
          "RefNotPermitted",
          `backendRef to ${target} in another namespace is not allowed by a ReferenceGrant in ${ref.namespace}`,
        );
        continue;
      }
      const service = services.get(target);
      if (!service) {
        status("BackendNotFound", `Service ${target} is not in the manifests`);
        continue;
      }
      const servicePort = service.ports.find((p) => p.port === ref.port);
      if (!servicePort) {
        status("BackendNotFound", `Service ${target} has no port ${ref.port}`, service);
        continue;
      }
      status("ResolvedRefs", `${target}:${ref.port}`, service, servicePort);
    }
  return out;
}

/** How a conformant implementation would attach every route of the snapshot, and resolve its backends. */
export function gatewayRouteStatuses(cluster: Cluster): RouteStatus[] {
  const gateways = new Map(cluster.gateways.map((g) => [g.id, g]));
  const services = new Map(cluster.services.map((s) => [s.id, s]));
  const imports = new Set((cluster.serviceImports ?? []).map((i) => i.id));
  return cluster.xroutes.map((route) => ({
    route,
    parents: attach(cluster, gateways, route),
    backends: resolveBackends(services, cluster.referenceGrants, route, imports),
  }));
}
