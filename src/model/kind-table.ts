// One file: the one table of every kind the model reads, because a kind listed in one place is the point of it.
// Every kind the model reads, in one table: its group, kind, scope, and the reader that puts it into
// the typed collections of the cluster. The model builder looks each object up here; a kind that is
// not in the table is not read.
import type { Collections } from "./collections.js";
import { type AdminKind, readAdminPolicy } from "./kinds/admin-network-policy.js";
import { API_SERVER_CALLERS, readApiServerCalls } from "./kinds/api-service-callers.js";
import { readConfigData } from "./kinds/config-data.js";
import { CALICO_GROUPS, type CalicoKind, readCalicoPolicy, readCalicoTier } from "./kinds/calico-policy.js";
import { CILIUM_GROUP, type CiliumKind, readCiliumPolicy } from "./kinds/cilium-policy.js";
import { readGateway } from "./kinds/gateway.js";
import { ISTIO_SECURITY_GROUP, readAuthorizationPolicy, readPeerAuthentication } from "./kinds/istio-policy.js";
import { GATEWAY_GROUP } from "./kinds/gateway-api.js";
import { readGatewayClass } from "./kinds/gateway-class.js";
import { readIngress } from "./kinds/ingress.js";
import { readIngressClass } from "./kinds/ingress-class.js";
import { MONITORING_GROUP, readMonitor, readPrometheusCalls } from "./kinds/monitoring.js";
import { MCS_GROUP, readServiceExport, readServiceImport } from "./kinds/multicluster.js";
import { readNamespace } from "./kinds/namespace.js";
import { readNetworkPolicy } from "./kinds/network-policy.js";
import { readOpenShiftRoute } from "./kinds/openshift-route.js";
import { OPERATOR_KINDS, readOperatorWorkload } from "./kinds/operator-workload.js";
import { readReferenceGrant } from "./kinds/reference-grant.js";
import { readPodConfig } from "./kinds/pod-config.js";
import { readService } from "./kinds/service.js";
import { readPodTemplate, readReplicas, WORKLOAD_GROUPS } from "./kinds/workload.js";
import { readXRoute, XROUTE_KINDS } from "./kinds/xroute.js";
import type { ObjectInput } from "./types.js";

export interface KindEntry {
  readonly group: string;
  readonly kind: string;
  /** Cluster-scoped kinds have no namespace. */
  readonly clusterScoped?: boolean;
  readonly read: (o: ObjectInput, into: Collections) => void;
}

function putNamespace(o: ObjectInput, into: Collections): void {
  const previous = into.namespaces.get(o.meta.name);
  if (previous?.source)
    into.diagnostics.warning(
      o.source.file,
      o.source.line,
      `Namespace ${o.meta.name} is defined again (first at ${previous.source.file}:${previous.source.line}); the later definition is used`,
      o.id,
    );
  into.namespaces.set(o.meta.name, readNamespace(o));
}

function putWorkload(o: ObjectInput, into: Collections): void {
  const { kind, meta, source, data } = o;
  const namespace = o.namespace!;
  const template = readPodTemplate(data, kind);
  let wKind = kind;
  let wName = meta.name;
  if (kind === "Pod" && meta.controller) {
    // A pod from a live dump reads as its controller, like the manifests that made it.
    wKind = meta.controller.kind;
    wName = meta.controller.name;
    if (!wKind) {
      // ownerReferences[].kind is required by the API, but hand-written dumps leave it out. The pods
      // still say they share one controller: they are grouped under its name, shown as a Pod.
      wKind = "Pod";
      into.diagnostics.warning(
        source.file,
        source.lineOf(["metadata", "ownerReferences"]),
        `the controller reference ${JSON.stringify(meta.controller.name)} names no kind; the pod is grouped with the other pods of that controller as ${namespace}/Pod/${wName}`,
        `${namespace}/Pod/${meta.name}`,
      );
    }
  }
  const wid = `${namespace}/${wKind}/${wName}`;
  const existing = into.workloads.get(wid);
  if (existing && kind !== "Pod" && into.fromPods.has(wid)) {
    // The controller itself, after pods it owns (a live dump): its own template is the better source.
    into.fromPods.delete(wid);
    into.workloads.delete(wid);
  }
  if (existing && kind === "Pod" && meta.controller) {
    if (JSON.stringify(existing.labels) !== JSON.stringify(template.labels))
      into.diagnostics.warning(
        source.file,
        source.line,
        `pods of ${wid} carry different labels; the first pod's labels are used`,
        wid,
      );
    return;
  }
  if (kind === "Pod" && meta.controller) into.fromPods.add(wid);
  into.inputs.pods.set(wid, { config: readPodConfig(data, kind), source });
  into.put(into.workloads, {
    id: wid,
    kind: wKind,
    name: wName,
    namespace,
    source,
    labels: template.labels,
    ports: template.ports,
    hostNetwork: template.hostNetwork,
    replicas: readReplicas(data, kind),
    serviceAccountName: template.serviceAccountName,
    ...(template.sidecarInject ? { sidecarInject: template.sidecarInject } : {}),
  });
}

function putNetworkPolicy(o: ObjectInput, into: Collections): void {
  const policy = readNetworkPolicy(o.data, o.meta, o.namespace!, o.source);
  const spec = o.data.spec as Record<string, unknown> | null | undefined;
  if (spec === null || spec === undefined || spec.podSelector === undefined || spec.podSelector === null)
    into.diagnostics.warning(
      o.source.file,
      o.source.lineOf(["spec"]),
      `${policy.id} has no spec.podSelector: Kubernetes reads it as {}, so the policy selects every pod of namespace ${o.namespace}`,
      policy.id,
    );
  into.put(into.networkPolicies, policy);
}

function putAdminPolicy(o: ObjectInput, into: Collections): void {
  const policy = readAdminPolicy(o.kind as AdminKind, o.data, o.meta, o.source);
  for (const rule of [...policy.ingress, ...policy.egress])
    for (const peer of rule.peers)
      if (peer.type === "unsupported")
        into.diagnostics.warning(
          o.source.file,
          rule.line,
          `${policy.id} rule ${rule.name}: peer type ${peer.what} is not modelled; the rule ${rule.action === "Allow" ? "matches nothing" : "is treated as matching everything (fail closed)"} for it`,
          policy.id,
        );
  into.put(into.adminPolicies, policy);
}

function putCiliumPolicy(o: ObjectInput, into: Collections): void {
  const policy = readCiliumPolicy(o.kind as CiliumKind, o.data, o.meta, o.namespace, o.source);
  for (const spec of policy.specs) {
    if (spec.endpointSelector === null)
      into.diagnostics.warning(
        o.source.file,
        spec.line,
        `${policy.id}: a nodeSelector (host) policy is not modelled; the connectivity shown ignores it`,
        policy.id,
      );
    for (const rule of [...spec.ingress, ...spec.egress])
      if (rule.unsupported.length)
        into.diagnostics.warning(
          o.source.file,
          rule.line,
          `${policy.id} ${rule.direction}${rule.deny ? "Deny" : ""}[${rule.index}]: ${rule.unsupported.join(", ")} not modelled; the rule matches no peer through it`,
          policy.id,
        );
  }
  into.put(into.ciliumPolicies, policy);
}

function putAuthorizationPolicy(o: ObjectInput, into: Collections): void {
  const policy = readAuthorizationPolicy(o.data, o.meta, o.namespace!, o.source);
  for (const ref of policy.targetRefs)
    if (ref.kind !== "Service" && ref.kind !== "Gateway")
      into.diagnostics.warning(
        o.source.file,
        o.source.lineOf(["spec", "targetRefs"]),
        `${policy.id}: a targetRef to a ${ref.kind} is not modelled; the policy applies to no pod through it`,
        policy.id,
      );
  into.put(into.authorizationPolicies, policy);
}

function putCalicoPolicy(o: ObjectInput, into: Collections): void {
  const policy = readCalicoPolicy(o.kind as CalicoKind, o.data, o.meta, o.namespace, o.source);
  if (policy.hostOnly.length)
    into.diagnostics.warning(
      o.source.file,
      o.source.line,
      `${policy.id}: ${policy.hostOnly.join(", ")} ${policy.hostOnly.length > 1 ? "are" : "is"} for host endpoints, which are not modelled${policy.appliesToPods ? "" : "; the policy applies to no pod and is not evaluated"}`,
      policy.id,
    );
  for (const rule of [...policy.ingress, ...policy.egress])
    if (rule.unsupported.length)
      into.diagnostics.warning(
        o.source.file,
        rule.line,
        `${policy.id} ${rule.direction}[${rule.index}]: ${rule.unsupported.join(", ")} not modelled; the rule matches no traffic`,
        policy.id,
      );
  into.put(into.calicoPolicies, policy);
}

/** Kinds listed among the changed objects without being modelled. */
function keep(o: ObjectInput, into: Collections): void {
  into.others.push({
    id: o.id,
    kind: o.kind,
    name: o.meta.name,
    namespace: o.namespace,
    apiVersion: o.apiVersion,
    source: o.source,
    raw: { data: o.data, source: o.source },
  });
}

const ADMIN_GROUP = "policy.networking.k8s.io";

export const KINDS: readonly KindEntry[] = [
  { group: "", kind: "Namespace", clusterScoped: true, read: putNamespace },
  ...Object.entries(WORKLOAD_GROUPS).flatMap(([kind, groups]) =>
    groups.map((group): KindEntry => ({ group, kind, read: putWorkload })),
  ),
  ...Object.entries(OPERATOR_KINDS).flatMap(([group, kinds]) =>
    Object.keys(kinds).map(
      (kind): KindEntry => ({
        group,
        kind,
        read: (o, into) => {
          into.put(into.workloads, readOperatorWorkload(group, kind, o.data, o.meta, o.namespace!, o.source));
          if (group === MONITORING_GROUP && kind === "Prometheus")
            into.inputs.prometheus.push(readPrometheusCalls(o.data, o.meta.name, o.namespace!, o.source));
        },
      }),
    ),
  ),
  {
    group: "",
    kind: "Service",
    read: (o, into) => {
      into.put(into.services, readService(o.data, o.meta, o.namespace!, o.source));
      into.inputs.serviceLabels.set(o.id, o.meta.labels);
    },
  },
  { group: "networking.k8s.io", kind: "NetworkPolicy", read: putNetworkPolicy },
  { group: "extensions", kind: "NetworkPolicy", read: putNetworkPolicy },
  ...["AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"].map(
    (kind): KindEntry => ({ group: ADMIN_GROUP, kind, clusterScoped: true, read: putAdminPolicy }),
  ),
  ...(["CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"] as const).map(
    (kind): KindEntry => ({
      group: CILIUM_GROUP,
      kind,
      clusterScoped: kind === "CiliumClusterwideNetworkPolicy",
      read: putCiliumPolicy,
    }),
  ),
  {
    group: ISTIO_SECURITY_GROUP,
    kind: "AuthorizationPolicy",
    read: putAuthorizationPolicy,
  },
  {
    group: ISTIO_SECURITY_GROUP,
    kind: "PeerAuthentication",
    read: (o, into) =>
      into.put(into.peerAuthentications, readPeerAuthentication(o.data, o.meta, o.namespace!, o.source)),
  },
  ...CALICO_GROUPS.flatMap((group) => [
    ...(["NetworkPolicy", "GlobalNetworkPolicy"] as const).map(
      (kind): KindEntry => ({ group, kind, clusterScoped: kind === "GlobalNetworkPolicy", read: putCalicoPolicy }),
    ),
    {
      group,
      kind: "Tier",
      clusterScoped: true,
      read: (o: ObjectInput, into: Collections) => into.put(into.calicoTiers, readCalicoTier(o.data, o.meta, o.source)),
    },
  ]),
  // The entry kinds.
  ...["networking.k8s.io", "extensions"].map(
    (group): KindEntry => ({
      group,
      kind: "Ingress",
      read: (o, into) => into.put(into.ingresses, readIngress(o)),
    }),
  ),
  {
    group: "networking.k8s.io",
    kind: "IngressClass",
    clusterScoped: true,
    read: (o, into) => into.put(into.ingressClasses, readIngressClass(o)),
  },
  {
    group: GATEWAY_GROUP,
    kind: "GatewayClass",
    clusterScoped: true,
    read: (o, into) => into.put(into.gatewayClasses, readGatewayClass(o)),
  },
  { group: GATEWAY_GROUP, kind: "Gateway", read: (o, into) => into.put(into.gateways, readGateway(o)) },
  ...XROUTE_KINDS.map(
    (kind): KindEntry => ({
      group: GATEWAY_GROUP,
      kind,
      read: (o, into) => into.put(into.xroutes, readXRoute(o)),
    }),
  ),
  {
    group: GATEWAY_GROUP,
    kind: "ReferenceGrant",
    read: (o, into) => into.put(into.referenceGrants, readReferenceGrant(o)),
  },
  {
    group: "route.openshift.io",
    kind: "Route",
    read: (o, into) => into.put(into.openshiftRoutes, readOpenShiftRoute(o)),
  },
  // Multi-cluster Services (KEP-1645).
  { group: MCS_GROUP, kind: "ServiceExport", read: (o, into) => into.put(into.serviceExports, readServiceExport(o)) },
  { group: MCS_GROUP, kind: "ServiceImport", read: (o, into) => into.put(into.serviceImports, readServiceImport(o)) },
  // What declares dependencies between workloads (model/dependencies.ts).
  ...["ConfigMap", "Secret"].map(
    (kind): KindEntry => ({
      group: "",
      kind,
      read: (o, into) =>
        into.inputs.configs.set(
          o.id,
          readConfigData(kind as "ConfigMap" | "Secret", o.data, o.meta.name, o.namespace!, o.source),
        ),
    }),
  ),
  ...["ServiceMonitor", "PodMonitor"].map(
    (kind): KindEntry => ({
      group: MONITORING_GROUP,
      kind,
      read: (o, into) => {
        const monitor = readMonitor(
          kind as "ServiceMonitor" | "PodMonitor",
          o.data,
          o.meta.name,
          o.namespace!,
          o.meta.labels,
          o.source,
        );
        if (monitor) into.inputs.monitors.push(monitor);
      },
    }),
  ),
  ...Object.entries(API_SERVER_CALLERS).flatMap(([group, kinds]) =>
    kinds.map(
      (kind): KindEntry => ({
        group,
        kind,
        clusterScoped: true,
        read: (o, into) => into.inputs.apiServerCalls.push(...readApiServerCalls(kind, o.data, o.meta.name, o.source)),
      }),
    ),
  ),
  // Listed among the changed objects, not modelled.
  { group: GATEWAY_GROUP, kind: "ListenerSet", read: keep },
  { group: GATEWAY_GROUP, kind: "BackendTLSPolicy", read: keep },
  { group: "gateway.networking.x-k8s.io", kind: "XListenerSet", read: keep },
  { group: "gateway.networking.x-k8s.io", kind: "ListenerSet", read: keep },
  { group: "discovery.k8s.io", kind: "EndpointSlice", read: keep },
  { group: "", kind: "Endpoints", read: keep },
];

const BY_GROUP_KIND = new Map(KINDS.map((k) => [`${k.group}\u0000${k.kind}`, k]));

/** The table's entry for a group and kind, if the model reads it. */
export function kindEntry(group: string, kind: string): KindEntry | undefined {
  return BY_GROUP_KIND.get(`${group}\u0000${kind}`);
}
