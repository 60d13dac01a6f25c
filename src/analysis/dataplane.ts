// Which dataplane enforces policies is configuration (`network: {cni, mesh}` in .github/reachdiff.yml):
// a cluster silently ignores the policies of a CNI it does not run, and so do we, with a note naming each.
//
// Decision, when `network.cni` is not set: discover it. A repository that holds CiliumNetworkPolicy or
// CiliumClusterwideNetworkPolicy objects, or installs Cilium (a workload named cilium or cilium-agent),
// is taken to run Cilium: nobody writes policies for a CNI they do not run, and showing them ignored would
// be the worse error (flows shown open that the CNI denies). Anything else is `other`.
//
// The mesh likewise: without `network.mesh`, a repository that holds Istio AuthorizationPolicy or
// PeerAuthentication objects, labels a namespace for Istio (istio-injection=enabled, istio.io/rev,
// istio.io/dataplane-mode=ambient) or installs istiod runs Istio; otherwise none. Under `mesh: none` the
// Istio policies are ignored, each with a note.
import type { Config } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { namespaceUsesIstio } from "../model/kinds/istio-policy.js";
import type { Cluster } from "../model/types.js";

export type Cni = NonNullable<Config["network"]["cni"]>;
export type Mesh = NonNullable<Config["network"]["mesh"]>;

const CILIUM_INSTALL = new Set(["cilium", "cilium-agent"]);

/** The CNI the cluster runs: configured, or discovered from the repository. */
export function cniOf(cluster: Cluster, network: Config["network"] | undefined): { cni: Cni; discovered: boolean } {
  if (network?.cni) return { cni: network.cni, discovered: false };
  const cilium =
    (cluster.ciliumPolicies?.length ?? 0) > 0 ||
    cluster.workloads.some((w) => w.kind === "DaemonSet" && CILIUM_INSTALL.has(w.name));
  return { cni: cilium ? "cilium" : "other", discovered: true };
}

/**
 * The cluster as its dataplane sees it: Cilium policies kept only when the CNI is Cilium, each ignored
 * one named in an info note at its file:line.
 */
export function forDataplane(cluster: Cluster, network: Config["network"] | undefined): Cluster {
  return forMesh(forCni(cluster, network), network);
}

/** The mesh the cluster runs: configured, or discovered from the repository. */
export function meshOf(cluster: Cluster, network: Config["network"] | undefined): { mesh: Mesh; discovered: boolean } {
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
    if (!discovered) return cluster;
    const first = policies[0];
    const note: Diagnostic = {
      severity: "info",
      file: first.source.file,
      line: first.source.line,
      message: `network.mesh is not set: the repository holds Istio policies (${first.id} and ${policies.length - 1} more), so the mesh is taken to be istio and they are evaluated for the pods in it`,
    };
    return { ...cluster, diagnostics: [...cluster.diagnostics, note] };
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

function forCni(cluster: Cluster, network: Config["network"] | undefined): Cluster {
  const policies = cluster.ciliumPolicies ?? [];
  if (!policies.length) return cluster;
  const { cni, discovered } = cniOf(cluster, network);
  if (cni === "cilium") {
    if (!discovered) return cluster;
    const first = policies[0];
    const note: Diagnostic = {
      severity: "info",
      file: first.source.file,
      line: first.source.line,
      message: `network.cni is not set: the repository holds Cilium policies (${first.id} and ${policies.length - 1} more), so the CNI is taken to be cilium and they are evaluated`,
    };
    return { ...cluster, diagnostics: [...cluster.diagnostics, note] };
  }
  const notes: Diagnostic[] = policies.map((p) => ({
    severity: "info",
    file: p.source.file,
    line: p.source.line,
    message: `${p.id} is ignored: network.cni is ${cni}, which does not enforce ${p.kind} (set network.cni: cilium in .github/reachdiff.yml if the cluster runs Cilium)`,
    object: p.id,
  }));
  return { ...cluster, ciliumPolicies: [], diagnostics: [...cluster.diagnostics, ...notes] };
}
