// RawObjects -> Cluster: dispatches each object to the module that reads its kind, applies the API
// server's defaults (namespace, implicit namespace labels), and reports what it cannot use.
import { matches } from "../core/label-selector.js";
import { Diagnostics } from "../manifests/diagnostics.js";
import type { RawObject } from "../manifests/parse.js";
import { InvalidObject, own } from "./fields.js";
import { readAdminPolicy, type AdminKind } from "./kinds/admin-network-policy.js";
import { apiGroup, dnsLabelError, objectNameError, readMeta, type Meta } from "./kinds/metadata.js";
import { readNetworkPolicy } from "./kinds/network-policy.js";
import { isOperatorWorkload, readOperatorWorkload } from "./kinds/operator-workload.js";
import { readService } from "./kinds/service.js";
import { readPodTemplate, readReplicas, WORKLOAD_GROUPS } from "./kinds/workload.js";
import { API_SERVER_CALLERS, readApiServerCalls } from "./kinds/api-service-callers.js";
import { readConfigData } from "./kinds/config-data.js";
import { MONITORING_GROUP, readMonitor, readPrometheusCalls } from "./kinds/monitoring.js";
import { readPodConfig } from "./kinds/pod-config.js";
import { declaredDependencies, dependencyInputs } from "./dependencies.js";
import type { AdminPolicy, Cluster, Namespace, NetworkPolicy, OtherObject, Service, Workload } from "./types.js";

export interface BuildOptions {
  /** The namespace of objects that do not name one (kubectl's apply-time namespace). */
  readonly defaultNamespace?: string;
}

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Kinds kept for the exposure analysis: group -> kinds. */
const KEPT: Readonly<Record<string, readonly string[]>> = {
  "networking.k8s.io": ["Ingress", "IngressClass"],
  extensions: ["Ingress"],
  "gateway.networking.k8s.io": [
    "GatewayClass",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "TLSRoute",
    "TCPRoute",
    "UDPRoute",
    "ReferenceGrant",
    "ListenerSet",
    "BackendTLSPolicy",
  ],
  "gateway.networking.x-k8s.io": ["XListenerSet", "ListenerSet"],
  "route.openshift.io": ["Route"],
  "discovery.k8s.io": ["EndpointSlice"],
  "": ["Endpoints"],
};

/** Policy kinds of other projects: reported as not modelled rather than silently ignored. */
const UNSUPPORTED_POLICY_GROUPS = [
  "k8s.ovn.org",
  "cilium.io",
  "projectcalico.org",
  "crd.projectcalico.org",
  "crd.antrea.io",
  "k8s.cni.cncf.io",
  "security.istio.io",
];

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "AdminNetworkPolicy",
  "BaselineAdminNetworkPolicy",
  "ClusterNetworkPolicy",
  "GatewayClass",
  "IngressClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
]);

/**
 * The versions the API server serves, or served, for the groups whose kinds are read here (old ones
 * included, so that old manifests still read). Another version of these groups is refused by the
 * API server, so its objects are not read as if it were one of them.
 */
const SERVED_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  "": ["v1"],
  apps: ["v1", "v1beta1", "v1beta2"],
  extensions: ["v1beta1"],
  batch: ["v1", "v1beta1", "v2alpha1"],
  "networking.k8s.io": ["v1", "v1beta1"],
  "policy.networking.k8s.io": ["v1alpha1", "v1alpha2"],
};

/** Why the API server would not know this apiVersion, or null; `read`: the object is of a kind read here. */
function apiVersionError(apiVersion: string, group: string, read: boolean): string | null {
  const parts = apiVersion.split("/");
  if (parts.length > 2 || parts.some((p) => p === "" || /\s/.test(p)))
    return `apiVersion ${JSON.stringify(apiVersion)} is not a version or a group/version`;
  const served = own(SERVED_VERSIONS, group);
  const version = parts[parts.length - 1];
  if (read && served && !served.includes(version))
    return `apiVersion ${JSON.stringify(apiVersion)} is not served by Kubernetes (${served.map((v) => (group ? `${group}/${v}` : v)).join(", ")})`;
  return null;
}

/** A custom resource that names no object: metadata or its name (and generateName) left out. */
function isToolInput(data: Record<string, unknown>): boolean {
  const meta = data.metadata;
  if (meta === undefined || meta === null) return true;
  if (typeof meta !== "object" || Array.isArray(meta)) return false;
  const m = meta as Record<string, unknown>;
  return m.name === undefined && m.generateName === undefined;
}

/** Documents that are not Kubernetes objects: counted, and said once (a note), not one warning each. */
class NotObjects {
  private readonly files = new Map<string, number>();
  note(file: string): void {
    this.files.set(file, (this.files.get(file) ?? 0) + 1);
  }
  report(diagnostics: Diagnostics): void {
    if (!this.files.size) return;
    const count = [...this.files.values()].reduce((a, b) => a + b, 0);
    const names = [...this.files.keys()];
    const shown = names.slice(0, 5).join(", ") + (names.length > 5 ? `, and ${names.length - 5} more file(s)` : "");
    diagnostics.info(
      names[0],
      0,
      `${count} document(s) are not Kubernetes objects (no apiVersion and kind, or a tool's input that names no object) and were skipped: ${shown}`,
    );
  }
}

export function buildCluster(
  objects: readonly RawObject[],
  options: BuildOptions = {},
  diagnostics = new Diagnostics(),
): Cluster {
  const defaultNamespace = options.defaultNamespace ?? "default";
  const declared = new Map<string, Namespace>();
  const workloads = new Map<string, Workload>();
  const services = new Map<string, Service>();
  const networkPolicies = new Map<string, NetworkPolicy>();
  const adminPolicies = new Map<string, AdminPolicy>();
  const others: OtherObject[] = [];
  const referenced = new Set<string>();
  /** Workloads known only from the pods a controller owns (a live dump), not from the controller itself. */
  const fromPods = new Set<string>();
  const notObjects = new NotObjects();
  /** What declares dependencies (model/dependencies.ts), read alongside. */
  const inputs = dependencyInputs();

  const put = <T extends { id: string; source: RawObject["source"] }>(map: Map<string, T>, value: T) => {
    const previous = map.get(value.id);
    if (previous)
      diagnostics.warning(
        value.source.file,
        value.source.line,
        `${value.id} is defined again (first at ${previous.source.file}:${previous.source.line}); the later definition is used`,
        value.id,
      );
    map.set(value.id, value);
  };

  for (const raw of objects) {
    const { data, source } = raw;
    const apiVersion = data.apiVersion;
    const kind = data.kind;
    if (typeof kind !== "string" || typeof apiVersion !== "string") {
      // Values files, Chart.yaml, a tool's settings: not Kubernetes objects, skipped without a word each.
      if (apiVersion === undefined && kind === undefined) notObjects.note(source.file);
      else {
        const field = typeof kind !== "string" ? "kind" : "apiVersion";
        diagnostics.error(
          source.file,
          source.lineOf([field]),
          `${field} is missing or not a string; this object is skipped`,
        );
      }
      continue;
    }
    const group = apiGroup(apiVersion);
    if (group === "kustomize.config.k8s.io" || group === "config.kubernetes.io") continue;
    // The kinds read here (the others are kept only when exposure reads them, or ignored).
    const read =
      (kind === "Namespace" && group === "") ||
      own(WORKLOAD_GROUPS, kind)?.includes(group) ||
      isOperatorWorkload(group, kind) ||
      (kind === "Service" && group === "") ||
      (kind === "NetworkPolicy" && (group === "networking.k8s.io" || group === "extensions")) ||
      group === "policy.networking.k8s.io" ||
      own(KEPT, group)?.includes(kind) === true;
    const versionError = apiVersionError(apiVersion, group, read);
    if (versionError) {
      diagnostics.error(source.file, source.lineOf(["apiVersion"]), `${kind}: ${versionError}; this object is skipped`);
      continue;
    }
    // A tool's input written as a custom resource (an IstioOperator for istioctl, a kind's Cluster): with
    // no name it is no object the API server would take, so it is an input, not a broken manifest.
    if (!read && isToolInput(data)) {
      notObjects.note(source.file);
      continue;
    }
    let meta: Meta | undefined;
    let id = kind;
    try {
      meta = readMeta(data);
      const namespace = CLUSTER_SCOPED.has(kind) ? undefined : (meta.namespace ?? defaultNamespace);
      id = namespace ? `${namespace}/${kind}/${meta.name}` : `${kind}/${meta.name}`;
      if (namespace) referenced.add(namespace);
      if (read) {
        // The API server would refuse these names; they are read anyway (test corpora use such names),
        // and said. A name or namespace with '/' is not read at all (readMeta).
        const nameField = meta.generated ? "generateName" : "name";
        const nameError = objectNameError(kind, meta.name, meta.generated);
        if (nameError)
          diagnostics.warning(
            source.file,
            source.lineOf(["metadata", nameField]),
            `${id}: metadata.${nameField} ${nameError}; Kubernetes would refuse the object`,
            id,
          );
        const namespaceError = meta.namespace === undefined ? null : dnsLabelError(meta.namespace);
        if (namespaceError)
          diagnostics.warning(
            source.file,
            source.lineOf(["metadata", "namespace"]),
            `${id}: metadata.namespace ${namespaceError}; Kubernetes would refuse the object`,
            id,
          );
      }

      if (kind === "Namespace" && group === "") {
        const previous = declared.get(meta.name);
        if (previous?.source)
          diagnostics.warning(
            source.file,
            source.line,
            `Namespace ${meta.name} is defined again (first at ${previous.source.file}:${previous.source.line}); the later definition is used`,
            id,
          );
        declared.set(meta.name, {
          name: meta.name,
          labels: { ...meta.labels, [NAMESPACE_NAME_LABEL]: meta.name },
          source,
        });
      } else if (own(WORKLOAD_GROUPS, kind)?.includes(group)) {
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
            diagnostics.warning(
              source.file,
              source.lineOf(["metadata", "ownerReferences"]),
              `the controller reference ${JSON.stringify(meta.controller.name)} names no kind; the pod is grouped with the other pods of that controller as ${namespace}/Pod/${wName}`,
              `${namespace}/Pod/${meta.name}`,
            );
          }
        }
        const wid = `${namespace}/${wKind}/${wName}`;
        const existing = workloads.get(wid);
        if (existing && kind !== "Pod" && fromPods.has(wid)) {
          // The controller itself, after pods it owns (a live dump): its own template is the better source.
          fromPods.delete(wid);
          workloads.delete(wid);
        }
        if (existing && kind === "Pod" && meta.controller) {
          if (JSON.stringify(existing.labels) !== JSON.stringify(template.labels))
            diagnostics.warning(
              source.file,
              source.line,
              `pods of ${wid} carry different labels; the first pod's labels are used`,
              wid,
            );
          continue;
        }
        if (kind === "Pod" && meta.controller) fromPods.add(wid);
        inputs.pods.set(wid, { config: readPodConfig(data, kind), source });
        put(workloads, {
          id: wid,
          kind: wKind,
          name: wName,
          namespace: namespace!,
          source,
          labels: template.labels,
          ports: template.ports,
          hostNetwork: template.hostNetwork,
          replicas: readReplicas(data, kind),
          serviceAccountName: template.serviceAccountName,
        });
      } else if (isOperatorWorkload(group, kind)) {
        put(workloads, readOperatorWorkload(group, kind, data, meta, namespace!, source));
        if (group === MONITORING_GROUP && kind === "Prometheus")
          inputs.prometheus.push(readPrometheusCalls(data, meta.name, namespace!, source));
      } else if (kind === "Service" && group === "") {
        put(services, readService(data, meta, namespace!, source));
        inputs.serviceLabels.set(id, meta.labels);
      } else if (kind === "NetworkPolicy" && (group === "networking.k8s.io" || group === "extensions")) {
        const policy = readNetworkPolicy(data, meta, namespace!, source);
        const spec = data.spec as Record<string, unknown> | null | undefined;
        if (spec === null || spec === undefined || spec.podSelector === undefined || spec.podSelector === null)
          diagnostics.warning(
            source.file,
            source.lineOf(["spec"]),
            `${policy.id} has no spec.podSelector: Kubernetes reads it as {}, so the policy selects every pod of namespace ${namespace}`,
            policy.id,
          );
        put(networkPolicies, policy);
      } else if (
        group === "policy.networking.k8s.io" &&
        (kind === "AdminNetworkPolicy" || kind === "BaselineAdminNetworkPolicy" || kind === "ClusterNetworkPolicy")
      ) {
        const policy = readAdminPolicy(kind as AdminKind, data, meta, source);
        for (const rule of [...policy.ingress, ...policy.egress])
          for (const peer of rule.peers)
            if (peer.type === "unsupported")
              diagnostics.warning(
                source.file,
                rule.line,
                `${policy.id} rule ${rule.name}: peer type ${peer.what} is not modelled; the rule ${rule.action === "Allow" ? "matches nothing" : "is treated as matching everything (fail closed)"} for it`,
                policy.id,
              );
        put(adminPolicies, policy);
      } else if (UNSUPPORTED_POLICY_GROUPS.some((g) => group === g || group.endsWith(`.${g}`))) {
        diagnostics.warning(
          source.file,
          source.line,
          `${kind} (${apiVersion}) is not modelled: the connectivity shown ignores it`,
          id,
        );
      } else if (group === "" && (kind === "ConfigMap" || kind === "Secret")) {
        inputs.configs.set(id, readConfigData(kind, data, meta.name, namespace!, source));
      } else if (group === MONITORING_GROUP && (kind === "ServiceMonitor" || kind === "PodMonitor")) {
        const monitor = readMonitor(kind, data, meta.name, namespace!, meta.labels, source);
        if (monitor) inputs.monitors.push(monitor);
      } else if (own(API_SERVER_CALLERS, group)?.some((k) => k === kind)) {
        inputs.apiServerCalls.push(...readApiServerCalls(kind as never, data, meta.name, source));
      } else if (own(KEPT, group)?.includes(kind)) {
        others.push({ id, kind, name: meta.name, namespace, apiVersion, source, raw });
      }
    } catch (e) {
      if (!(e instanceof InvalidObject)) throw e;
      diagnostics.error(
        source.file,
        source.lineOf(e.path),
        `${kind} ${meta?.name ?? ""} is invalid and skipped: ${e.message}`.replace(/\s+/g, " "),
        meta ? id : undefined,
      );
    }
  }

  warnMissingPortNames([...workloads.values()], networkPolicies.values(), diagnostics);
  notObjects.report(diagnostics);

  const namespaces = new Map<string, Namespace>(declared);
  for (const name of referenced)
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name } });
  for (const w of workloads.values())
    if (w.hostNetwork)
      diagnostics.info(
        w.source.file,
        w.source.line,
        `${w.id} uses hostNetwork: NetworkPolicy does not apply to it (its traffic comes from the node's address)`,
        w.id,
      );

  const model = { namespaces, workloads: [...workloads.values()], services: [...services.values()] };
  return {
    ...model,
    networkPolicies: [...networkPolicies.values()],
    adminPolicies: [...adminPolicies.values()],
    others,
    dependencies: declaredDependencies(inputs, model),
    diagnostics: diagnostics.items,
  };
}

/**
 * A NetworkPolicy ingress port given by name opens the container port of that name on each selected
 * pod; when none of the selected pods of these manifests declares it, the rule opens nothing there.
 * Kubernetes accepts that silently, so it is said here (only when the policy selects pods at all:
 * the manifests may not hold every pod of the cluster).
 */
function warnMissingPortNames(
  workloads: readonly Workload[],
  policies: Iterable<NetworkPolicy>,
  diagnostics: Diagnostics,
): void {
  // A policy selects pods of its own namespace only: look them up there, not among every workload.
  const byNamespace = new Map<string, Workload[]>();
  for (const w of workloads) {
    const list = byNamespace.get(w.namespace);
    if (list) list.push(w);
    else byNamespace.set(w.namespace, [w]);
  }
  for (const policy of policies) {
    const named = policy.ingress.filter((r) => r.ports?.some((p) => typeof p.port === "string"));
    if (!named.length) continue;
    const selected = (byNamespace.get(policy.namespace) ?? []).filter((w) => matches(policy.podSelector, w.labels));
    if (!selected.length) continue;
    for (const rule of named)
      rule.ports!.forEach((port, i) => {
        if (typeof port.port !== "string") return;
        if (selected.some((w) => w.ports.some((c) => c.name === port.port && c.protocol === port.protocol))) return;
        const which =
          selected.length === 1 ? selected[0].id : `${selected.length} workloads, such as ${selected[0].id}`;
        diagnostics.warning(
          policy.source.file,
          policy.source.lineOf(["spec", "ingress", rule.index, "ports", i, "port"]),
          `${policy.id}: no pod it selects (${which}) has a ${port.protocol} port named ${JSON.stringify(port.port)}; spec.ingress[${rule.index}].ports[${i}] opens nothing`,
          policy.id,
        );
      });
  }
}
