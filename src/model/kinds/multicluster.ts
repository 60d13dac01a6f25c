// Multi-cluster Services (KEP-1645, group multicluster.x-k8s.io). A ServiceExport, named like the
// Service of its namespace, makes that Service reachable from every cluster of the clusterset at
// <name>.<namespace>.svc.clusterset.local; it has no spec. A ServiceImport is the other side: a Service
// this cluster consumes whose endpoints may be in other clusters (normally made by the MCS controller).
import type { Protocol } from "../../core/port-set.js";
import { fail, optObj, optString } from "../fields.js";
import type { Located, ObjectInput } from "../types.js";
import { servicePorts } from "./service.js";

export const MCS_GROUP = "multicluster.x-k8s.io";
const CLUSTERSET_DOMAIN = "clusterset.local";

export interface ServiceExport extends Located {
  readonly namespace: string;
}

export interface ServiceImport extends Located {
  readonly namespace: string;
  /** ClusterSetIP (one virtual IP for the clusterset) or Headless (the pods addressed directly). */
  readonly type: "ClusterSetIP" | "Headless";
  readonly ports: readonly { readonly name?: string; readonly protocol: Protocol; readonly port: number }[];
}

/** `name.namespace.svc.clusterset.local`: how the pods of every cluster of the clusterset call it. */
export const clustersetDns = (name: string, namespace: string) => `${name}.${namespace}.svc.${CLUSTERSET_DOMAIN}`;

export function readServiceExport(o: ObjectInput): ServiceExport {
  return { id: o.id, kind: "ServiceExport", name: o.meta.name, namespace: o.namespace!, source: o.source };
}

const IMPORT_TYPES = ["ClusterSetIP", "Headless"] as const;

export function readServiceImport(o: ObjectInput): ServiceImport {
  const spec = optObj(o.data.spec, ["spec"]) ?? {};
  const typeText = optString(spec.type, ["spec", "type"]) ?? "ClusterSetIP";
  const type = IMPORT_TYPES.find((t) => t === typeText);
  if (!type) fail(["spec", "type"], `must be one of ${IMPORT_TYPES.join(", ")}, found ${JSON.stringify(typeText)}`);
  const ports = servicePorts(spec).map(({ name, protocol, port }) => ({ name, protocol, port }));
  return { id: o.id, kind: "ServiceImport", name: o.meta.name, namespace: o.namespace!, source: o.source, type, ports };
}
