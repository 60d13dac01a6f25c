// Every object of a cluster that carries its own place in the manifests, whatever its kind: for the
// lists of changed objects and the file:line of an id.
import type { Cluster, Located } from "./types.js";

export function locatedObjects(cluster: Cluster): (Located & { readonly namespace?: string })[] {
  return [
    ...cluster.workloads,
    ...cluster.services,
    ...cluster.networkPolicies,
    ...cluster.adminPolicies,
    ...(cluster.ciliumPolicies ?? []),
    ...(cluster.calicoPolicies ?? []),
    ...(cluster.calicoTiers ?? []),
    ...(cluster.authorizationPolicies ?? []),
    ...(cluster.peerAuthentications ?? []),
    ...cluster.ingresses,
    ...cluster.ingressClasses,
    ...cluster.gatewayClasses,
    ...cluster.gateways,
    ...cluster.xroutes,
    ...cluster.referenceGrants,
    ...cluster.openshiftRoutes,
    ...(cluster.serviceExports ?? []),
    ...(cluster.serviceImports ?? []),
    ...cluster.others,
  ];
}
