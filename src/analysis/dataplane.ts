// Which dataplane enforces policies is configuration (`network: {cni, mesh}` in .github/reachdiff.yml):
// a cluster silently ignores the policies of a CNI it does not run, and so do we, with a note naming each.
//
// Decision, when `network.cni` is not set: discover it. A repository that holds CiliumNetworkPolicy or
// CiliumClusterwideNetworkPolicy objects, or installs Cilium (a workload named cilium or cilium-agent),
// is taken to run Cilium: nobody writes policies for a CNI they do not run, and showing them ignored would
// be the worse error (flows shown open that the CNI denies). Likewise Calico: Calico NetworkPolicy,
// GlobalNetworkPolicy or Tier objects, or a calico-node DaemonSet. Anything else is `other`.
//
// The mesh likewise: without `network.mesh`, a repository that holds Istio AuthorizationPolicy or
// PeerAuthentication objects, labels a namespace for Istio (istio-injection=enabled, istio.io/rev,
// istio.io/dataplane-mode=ambient) or installs istiod runs Istio; otherwise none. Under `mesh: none` the
// Istio policies are ignored, each with a note.
import type { Config } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { matches } from "../core/label-selector.js";
import { ISTIO_ROOT_NAMESPACE, meshModeOf, namespaceUsesIstio } from "../model/kinds/istio-policy.js";
import type { Cluster, Located } from "../model/types.js";

export type Cni = NonNullable<Config["network"]["cni"]>;
export type Mesh = NonNullable<Config["network"]["mesh"]>;

const INSTALLS: Record<"cilium" | "calico", ReadonlySet<string>> = {
  cilium: new Set(["cilium", "cilium-agent"]),
  calico: new Set(["calico-node"]),
};

/** The CNI the cluster runs: configured, or discovered from the repository (Cilium looked for first). */
function cniOf(cluster: Cluster, network: Config["network"] | undefined): { cni: Cni; discovered: boolean } {
  if (network?.cni) return { cni: network.cni, discovered: false };
  for (const family of CNI_FAMILIES)
    if (
      family.policies(cluster).length > 0 ||
      cluster.workloads.some((w) => w.kind === "DaemonSet" && INSTALLS[family.cni].has(w.name))
    )
      return { cni: family.cni, discovered: true };
  return { cni: "other", discovered: true };
}

/**
 * The cluster as its dataplane sees it: Cilium policies kept only when the CNI is Cilium, each ignored
 * one named in an info note at its file:line.
 */
export function forDataplane(cluster: Cluster, network: Config["network"] | undefined): Cluster {
  return forMesh(forCni(cluster, network), network);
}

/** The mesh the cluster runs: configured, or discovered from the repository. */
function meshOf(cluster: Cluster, network: Config["network"] | undefined): { mesh: Mesh; discovered: boolean } {
  if (network?.mesh) return { mesh: network.mesh, discovered: false };
  const istio =
    (cluster.authorizationPolicies?.length ?? 0) > 0 ||
    (cluster.peerAuthentications?.length ?? 0) > 0 ||
    [...cluster.namespaces.values()].some((ns) => namespaceUsesIstio(ns.labels)) ||
    cluster.workloads.some((w) => w.kind === "Deployment" && w.name === "istiod");
  return { mesh: istio ? "istio" : "none", discovered: true };
}

/**
 * Istio AuthorizationPolicy and PeerAuthentication kept only when the mesh is Istio, each ignored one
 * named in an info note at its file:line.
 */
function forMesh(cluster: Cluster, network: Config["network"] | undefined): Cluster {
  const policies = [...(cluster.authorizationPolicies ?? []), ...(cluster.peerAuthentications ?? [])];
  if (!policies.length) return cluster;
  const { mesh, discovered } = meshOf(cluster, network);
  if (mesh === "istio") {
    const notes = outsideTheMesh(cluster);
    if (discovered) {
      const first = policies[0];
      notes.unshift({
        severity: "info",
        file: first.source.file,
        line: first.source.line,
        message: `network.mesh is not set: the repository holds Istio policies (${first.id} and ${policies.length - 1} more), so the mesh is taken to be istio and they are evaluated for the pods in it`,
      });
    }
    return notes.length ? { ...cluster, diagnostics: [...cluster.diagnostics, ...notes] } : cluster;
  }
  const notes: Diagnostic[] = policies.map((p) => ({
    severity: "info",
    file: p.source.file,
    line: p.source.line,
    message: `${p.id} is ignored: network.mesh is none, so no proxy enforces ${p.kind} (set network.mesh: istio in .github/reachdiff.yml if the cluster runs Istio)`,
    object: p.id,
  }));
  return {
    ...cluster,
    authorizationPolicies: [],
    peerAuthentications: [],
    diagnostics: [...cluster.diagnostics, ...notes],
  };
}

/** A CNI's own policy kinds in a cluster, and how to drop them. */
const CNI_FAMILIES = [
  {
    cni: "cilium",
    name: "Cilium",
    policies: (c: Cluster): readonly Located[] => c.ciliumPolicies ?? [],
    without: (c: Cluster): Cluster => ({ ...c, ciliumPolicies: [] }),
  },
  {
    cni: "calico",
    name: "Calico",
    policies: (c: Cluster): readonly Located[] => [...(c.calicoPolicies ?? []), ...(c.calicoTiers ?? [])],
    without: (c: Cluster): Cluster => ({ ...c, calicoPolicies: [], calicoTiers: [] }),
  },
] as const;

/**
 * The cluster as its CNI sees it: each CNI's own policies kept only when the cluster runs that CNI, each
 * ignored one named in an info note at its file:line.
 */
/**
 * An AuthorizationPolicy whose pods (in these manifests) are all outside the mesh decides nothing for them,
 * which reads like a silent no-op: said once per policy (the namespace may be labelled elsewhere).
 */
function outsideTheMesh(cluster: Cluster): Diagnostic[] {
  const notes: Diagnostic[] = [];
  for (const p of cluster.authorizationPolicies ?? []) {
    if (p.targetRefs.length) continue;
    const pods = cluster.workloads.filter(
      (w) =>
        (p.namespace === ISTIO_ROOT_NAMESPACE || w.namespace === p.namespace) &&
        (!p.selector || matches(p.selector, w.labels)),
    );
    if (!pods.length) continue;
    const labels = (ns: string) => cluster.namespaces.get(ns)?.labels ?? {};
    if (pods.some((w) => meshModeOf(w, labels(w.namespace)) !== "none")) continue;
    notes.push({
      severity: "info",
      file: p.source.file,
      line: p.source.line,
      message: `${p.id} applies to ${pods.length === 1 ? pods[0].id : `${pods.length} workloads such as ${pods[0].id}`}, which ${pods.length === 1 ? "is" : "are"} not in the mesh here (no istio-injection, istio.io/rev or ambient label on the namespace, nor sidecar.istio.io/inject on the pod): it decides nothing for ${pods.length === 1 ? "it" : "them"}`,
      object: p.id,
    });
  }
  return notes;
}

function forCni(cluster: Cluster, network: Config["network"] | undefined): Cluster {
  if (CNI_FAMILIES.every((f) => f.policies(cluster).length === 0)) return cluster;
  const { cni, discovered } = cniOf(cluster, network);
  let out = cluster;
  const notes: Diagnostic[] = [];
  for (const family of CNI_FAMILIES) {
    const policies = family.policies(cluster);
    if (!policies.length) continue;
    if (family.cni === cni) {
      if (!discovered) continue;
      const first = policies[0];
      notes.push({
        severity: "info",
        file: first.source.file,
        line: first.source.line,
        message: `network.cni is not set: the repository holds ${family.name} policies (${first.id} and ${policies.length - 1} more), so the CNI is taken to be ${cni} and they are evaluated`,
      });
      continue;
    }
    for (const p of policies)
      notes.push({
        severity: "info",
        file: p.source.file,
        line: p.source.line,
        message: `${p.id} is ignored: network.cni is ${cni}, which does not enforce ${p.kind}${p.kind === "Tier" ? "s" : ""} (set network.cni: ${family.cni} in .github/reachdiff.yml if the cluster runs ${family.name})`,
        object: p.id,
      });
    out = family.without(out);
  }
  return notes.length ? { ...out, diagnostics: [...out.diagnostics, ...notes] } : out;
}
