// RawObjects -> Cluster: dispatches each object to the module that reads its kind, applies the API
// server's defaults (namespace, implicit namespace labels), and reports what it cannot use.
import { matches } from "../core/label-selector.js";
import { Diagnostics } from "../manifests/diagnostics.js";
import type { RawObject } from "../manifests/parse.js";
import { InvalidObject, own } from "./fields.js";
import { declaredDependencies } from "./dependencies.js";
import { Collections } from "./collections.js";
import { kindEntry } from "./kind-table.js";
import { DEFAULT_TIER } from "./kinds/calico-policy.js";
import { GATEWAY_GROUP, knownGatewayVersion } from "./kinds/gateway-api.js";
import { apiGroup, dnsLabelError, objectNameError, readMeta, type Meta } from "./kinds/metadata.js";
import { NAMESPACE_NAME_LABEL } from "../core/labels.js";
import type { Cluster, Namespace, NetworkPolicy, Workload } from "./types.js";

export interface BuildOptions {
  /** The namespace of objects that do not name one (kubectl's apply-time namespace). */
  readonly defaultNamespace?: string;
}

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
  "cilium.io": ["v2", "v2alpha1"],
  "projectcalico.org": ["v3"],
  "crd.projectcalico.org": ["v1"],
  "security.istio.io": ["v1", "v1beta1", "v1alpha1"],
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

/** Calico policies in a tier no Tier object defines (Calico refuses them; here they run after every tier). */
function warnUnknownTiers(into: Collections, diagnostics: Diagnostics): void {
  const tiers = new Set([DEFAULT_TIER, ...[...into.calicoTiers.values()].map((t) => t.name)]);
  for (const p of into.calicoPolicies.values())
    if (!tiers.has(p.tier))
      diagnostics.warning(
        p.source.file,
        p.source.lineOf(["spec", "tier"]),
        `${p.id} is in tier ${p.tier}, which no Tier object here defines (Calico refuses a policy of a tier that does not exist); it is evaluated as a tier without order, after every other`,
        p.id,
      );
}

export function buildCluster(
  objects: readonly RawObject[],
  options: BuildOptions = {},
  diagnostics = new Diagnostics(),
): Cluster {
  const defaultNamespace = options.defaultNamespace ?? "default";
  const into = new Collections(diagnostics);
  const referenced = new Set<string>();
  const notObjects = new NotObjects();
  let objectsRead = 0;

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
    objectsRead++;
    const entry = kindEntry(group, kind);
    const read = entry !== undefined;
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
      const namespace = entry?.clusterScoped ? undefined : (meta.namespace ?? defaultNamespace);
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

      if (entry) {
        if (group === GATEWAY_GROUP && !knownGatewayVersion(apiVersion))
          diagnostics.warning(
            source.file,
            source.lineOf(["apiVersion"]),
            `${apiVersion} is not a Gateway API version this tool knows; ${kind} ${meta.name} is read as v1`,
            id,
          );
        entry.read({ id, kind, group, apiVersion, namespace, meta, data, source }, into);
      } else if (UNSUPPORTED_POLICY_GROUPS.some((g) => group === g || group.endsWith(`.${g}`))) {
        diagnostics.warning(
          source.file,
          source.line,
          `${kind} (${apiVersion}) is not modelled: the connectivity shown ignores it`,
          id,
        );
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

  const workloads = [...into.workloads.values()];
  warnMissingPortNames(workloads, into.networkPolicies.values(), diagnostics);
  warnUnknownTiers(into, diagnostics);
  notObjects.report(diagnostics);

  const namespaces = new Map<string, Namespace>(into.namespaces);
  for (const name of referenced)
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name } });
  for (const w of workloads)
    if (w.hostNetwork)
      diagnostics.info(
        w.source.file,
        w.source.line,
        `${w.id} uses hostNetwork: NetworkPolicy does not apply to it (its traffic comes from the node's address)`,
        w.id,
      );

  const model = {
    namespaces,
    workloads,
    services: [...into.services.values()],
    serviceImports: [...into.serviceImports.values()],
  };
  return {
    objects: objectsRead,
    ...model,
    networkPolicies: [...into.networkPolicies.values()],
    adminPolicies: [...into.adminPolicies.values()],
    ciliumPolicies: [...into.ciliumPolicies.values()],
    calicoPolicies: [...into.calicoPolicies.values()],
    calicoTiers: [...into.calicoTiers.values()],
    authorizationPolicies: [...into.authorizationPolicies.values()],
    peerAuthentications: [...into.peerAuthentications.values()],
    ingresses: [...into.ingresses.values()],
    ingressClasses: [...into.ingressClasses.values()],
    gatewayClasses: [...into.gatewayClasses.values()],
    gateways: [...into.gateways.values()],
    xroutes: [...into.xroutes.values()],
    referenceGrants: [...into.referenceGrants.values()],
    openshiftRoutes: [...into.openshiftRoutes.values()],
    serviceExports: [...into.serviceExports.values()],
    others: into.others,
    dependencies: declaredDependencies(into.inputs, model),
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
