// Pod and the controllers that stamp out pods: each contributes one pod template.
import { isProtocol, type Protocol } from "../../core/port-set.js";
import type { Path } from "../../manifests/parse.js";
import { fail, optBool, optInt, optList, optObj, optString, optStringMap } from "../fields.js";
import type { ContainerPort } from "../types.js";
import { validateLabels } from "./metadata.js";

/** Where each workload kind keeps its pod template (for Pod: the object itself). */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, Path>> = {
  Pod: [],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

export const WORKLOAD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Pod: [""],
  ReplicationController: [""],
  Deployment: ["apps", "extensions"],
  StatefulSet: ["apps"],
  DaemonSet: ["apps", "extensions"],
  ReplicaSet: ["apps", "extensions"],
  Job: ["batch"],
  CronJob: ["batch"],
};

export function protocolAt(value: unknown, path: Path): Protocol {
  const text = optString(value, path) ?? "TCP";
  if (!isProtocol(text)) fail(path, `must be TCP, UDP or SCTP, found ${JSON.stringify(text)}`);
  return text;
}

export interface PodTemplate {
  readonly labels: Record<string, string>;
  readonly ports: ContainerPort[];
  readonly hostNetwork: boolean;
  readonly serviceAccountName?: string;
  /** The pod's `sidecar.istio.io/inject` annotation (whether Istio injects its proxy: model/kinds/istio-policy.ts). */
  readonly sidecarInject?: string;
}

function dig(data: Record<string, unknown>, path: Path): Record<string, unknown> | undefined {
  let node: Record<string, unknown> | undefined = data;
  for (let i = 0; i < path.length && node; i++) node = optObj(node[path[i] as string], path.slice(0, i + 1));
  return node;
}

export function readPodTemplate(data: Record<string, unknown>, kind: string): PodTemplate {
  const base = POD_TEMPLATE_PATHS[kind];
  const template = dig(data, base);
  if (!template) fail(base, "is missing (no pod template)");
  const labelsPath = [...base, "metadata", "labels"];
  const metadata = optObj(template.metadata, [...base, "metadata"]);
  const labels = validateLabels(optStringMap(metadata?.labels, labelsPath) ?? {}, labelsPath);
  const specPath = [...base, "spec"];
  const spec = optObj(template.spec, specPath);
  if (!spec) fail(specPath, "is missing");
  const ports: ContainerPort[] = [];
  for (const field of ["containers", "initContainers"] as const) {
    const containers = optList(spec[field], [...specPath, field]) ?? [];
    containers.forEach((c, ci) => {
      const cPath = [...specPath, field, ci];
      const container = optObj(c, cPath);
      // Init containers run before the pod serves; only sidecars (restartPolicy Always) keep listening.
      if (field === "initContainers" && container?.restartPolicy !== "Always") return;
      (optList(container?.ports, [...cPath, "ports"]) ?? []).forEach((p, pi) => {
        const pPath = [...cPath, "ports", pi];
        const port = optObj(p, pPath);
        if (!port) return;
        const containerPort = optInt(port.containerPort, [...pPath, "containerPort"], 1, 65535);
        if (containerPort === undefined) fail([...pPath, "containerPort"], "is missing");
        const name = optString(port.name, [...pPath, "name"]);
        const hostPort = optInt(port.hostPort, [...pPath, "hostPort"], 0, 65535);
        const hostIP = optString(port.hostIP, [...pPath, "hostIP"]) || undefined;
        ports.push({
          name,
          containerPort,
          protocol: protocolAt(port.protocol, [...pPath, "protocol"]),
          hostPort: hostPort || undefined,
          ...(hostPort && hostIP ? { hostIP } : {}),
        });
      });
    });
  }
  const hostNetwork = optBool(spec.hostNetwork, [...specPath, "hostNetwork"]) ?? false;
  const serviceAccountName = optString(spec.serviceAccountName, [...specPath, "serviceAccountName"]);
  const annotations = optStringMap(metadata?.annotations, [...base, "metadata", "annotations"]);
  const sidecarInject = annotations?.["sidecar.istio.io/inject"];
  return { labels, ports, hostNetwork, serviceAccountName, ...(sidecarInject ? { sidecarInject } : {}) };
}

export function readReplicas(data: Record<string, unknown>, kind: string): number | undefined {
  if (kind === "Pod") return 1;
  if (kind === "DaemonSet" || kind === "CronJob") return undefined;
  const spec = optObj(data.spec, ["spec"]);
  const field = kind === "Job" ? "parallelism" : "replicas";
  return optInt(spec?.[field], ["spec", field], 0, 2 ** 31 - 1) ?? 1;
}
