// Which dataplane enforces policies is configuration (`network: {cni, mesh}` in .github/reachdiff.yml):
// a cluster silently ignores the policies of a CNI it does not run, and so do we, with a note naming each.
//
// Decision, when `network.cni` is not set: discover it. A repository that holds CiliumNetworkPolicy or
// CiliumClusterwideNetworkPolicy objects, or installs Cilium (a workload named cilium or cilium-agent),
// is taken to run Cilium: nobody writes policies for a CNI they do not run, and showing them ignored would
// be the worse error (flows shown open that the CNI denies). Anything else is `other`.
import type { Config } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { Cluster } from "../model/types.js";

export type Cni = NonNullable<Config["network"]["cni"]>;

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
