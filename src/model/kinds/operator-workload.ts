// Pods that an operator creates from a custom resource: their labels and ports are known only from
// the resource (and the operator's conventions), yet Services and NetworkPolicies select them.
// Read as workloads named after the resource (monitoring/Prometheus/k8s), so that a NetworkPolicy
// change for them shows up like any other.
import type { Source } from "../../manifests/parse.js";
import { optObj, optStringMap } from "../fields.js";
import type { ContainerPort, Workload } from "../types.js";
import type { Meta } from "./metadata.js";
import { validateLabels } from "./metadata.js";

interface OperatorKind {
  /** Labels the operator puts on every pod, given the resource's name. */
  readonly labels: (name: string) => Record<string, string>;
  readonly ports: readonly ContainerPort[];
}

// prometheus-operator (monitoring.coreos.com/v1): see its statefulset generation for each kind.
export const OPERATOR_KINDS: Readonly<Record<string, Readonly<Record<string, OperatorKind>>>> = {
  "monitoring.coreos.com": {
    Prometheus: {
      labels: (name) => ({
        "app.kubernetes.io/name": "prometheus",
        "app.kubernetes.io/managed-by": "prometheus-operator",
        "app.kubernetes.io/instance": name,
        "operator.prometheus.io/name": name,
        "operator.prometheus.io/shard": "0",
        prometheus: name,
      }),
      ports: [
        { name: "web", containerPort: 9090, protocol: "TCP" },
        { name: "reloader-web", containerPort: 8080, protocol: "TCP" },
      ],
    },
    Alertmanager: {
      labels: (name) => ({
        "app.kubernetes.io/name": "alertmanager",
        "app.kubernetes.io/managed-by": "prometheus-operator",
        "app.kubernetes.io/instance": name,
        alertmanager: name,
      }),
      ports: [
        { name: "web", containerPort: 9093, protocol: "TCP" },
        { name: "mesh-tcp", containerPort: 9094, protocol: "TCP" },
        { name: "mesh-udp", containerPort: 9094, protocol: "UDP" },
        { name: "reloader-web", containerPort: 8080, protocol: "TCP" },
      ],
    },
    ThanosRuler: {
      labels: (name) => ({
        "app.kubernetes.io/name": "thanos-ruler",
        "app.kubernetes.io/managed-by": "prometheus-operator",
        "app.kubernetes.io/instance": name,
        "thanos-ruler": name,
      }),
      ports: [
        { name: "grpc", containerPort: 10901, protocol: "TCP" },
        { name: "web", containerPort: 10902, protocol: "TCP" },
      ],
    },
  },
};

export function readOperatorWorkload(
  group: string,
  kind: string,
  data: Record<string, unknown>,
  meta: Meta,
  namespace: string,
  source: Source,
): Workload {
  const op = OPERATOR_KINDS[group][kind];
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const podMetadata = optObj(spec.podMetadata, ["spec", "podMetadata"]);
  const extra = validateLabels(optStringMap(podMetadata?.labels, ["spec", "podMetadata", "labels"]) ?? {}, [
    "spec",
    "podMetadata",
    "labels",
  ]);
  return {
    id: `${namespace}/${kind}/${meta.name}`,
    kind,
    name: meta.name,
    namespace,
    source,
    labels: { ...extra, ...op.labels(meta.name) },
    ports: op.ports,
    hostNetwork: false,
  };
}
