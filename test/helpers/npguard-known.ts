// Deliberate semantic differences from np-guard (netpol-analyzer) that more than one oracle suite
// meets: the decision, its reason, and the workloads of the np-guard test manifests it concerns.

export interface KnownDifference {
  readonly reason: string;
  /**
   * The workloads the difference is about. Differences that involve none of them must still be
   * empty (the rest of the case is compared as usual); at least one that involves them must remain.
   */
  readonly workloads: readonly string[];
  /** Single edges (`from => to`, as difference lines name them) the difference is about, when naming whole workloads would hide too much. */
  readonly edges?: readonly string[];
}

export const HOST_NETWORK =
  "hostNetwork pods: their NetworkPolicies do not isolate them and pod selectors of other policies do not match them " +
  "(NetworkPolicy behaviour for hostNetwork pods is undefined upstream; common CNIs treat them as node traffic). " +
  "np-guard gives hostNetwork no special treatment.";

/** The hostNetwork workloads of tests/ipblockstest*. */
export const IPBLOCKSTEST_HOST_NETWORK = [
  "default/DaemonSet/cognetive-agents",
  "default/DaemonSet/cognetive-agents-agent",
  "default/DaemonSet/cognetive-agents-analyzer",
  "default/ReplicaSet/cognetive-local-analyzer-7d77fb55cc",
  "ibm-system/ReplicaSet/ibm-cloud-provider-ip-169-60-164-10-5c9dd7c9c",
  "ibm-system/ReplicaSet/ibm-cloud-provider-ip-169-60-164-14-6d448884df",
  "kube-system-dummy-to-ignore/ReplicaSet/calico-kube-controllers-7694668c77",
  "kube-system/DaemonSet/calico-node",
  "kube-system/DaemonSet/calico-node-tier",
  "kube-system/DaemonSet/ibm-keepalived-watcher",
  "kube-system/DaemonSet/ibm-keepalived-watcher-for-demo",
  "kube-system/DaemonSet/ibm-kube-fluentd",
  "kube-system/DaemonSet/ibm-kube-fluentd-with-tier",
];

/** The hostNetwork workloads of the bank demo (tests/multiple_topology_resources_*, tests/semanticDiff-same-topologies-*). */
export const BANK_HOST_NETWORK = [
  "demo/DaemonSet/cog-agents-account-command",
  "demo/DaemonSet/cog-agents-account-query",
  "demo/DaemonSet/cog-agents-bank-ui",
];

/** The edge a difference line (from compareCanonical or compareDiffCanonical) is about: `from => to`, or `workload <id>`. */
function edgeOf(line: string): string {
  return line.replace(/^\w+:\s+/, "").replace(/ : .*$/, "");
}

/** Whether a difference line is about one of these workloads. */
export function involves(line: string, workloads: readonly string[]): boolean {
  const edge = edgeOf(line);
  if (edge.startsWith("workload ")) return workloads.includes(edge.slice("workload ".length));
  return edge.split(" => ").some((end) => workloads.includes(end));
}

/** Whether a known difference explains a difference line: it names one of its workloads, or is one of its edges. */
export function explains(known: KnownDifference, line: string): boolean {
  return involves(line, known.workloads) || (known.edges ?? []).includes(edgeOf(line));
}
