// Pod-to-pod and pod-to/from-outside connectivity of one snapshot, computed over classes of identical
// pods and over "atoms" of address space (cut at every CIDR boundary any policy names), never over all
// pairs of objects.
import { calicoBlocks } from "../model/kinds/calico-policy.js";
import { ciliumBlocks } from "../model/kinds/cilium-policy.js";
import { ISTIO_ROOT_NAMESPACE, istioBlocks, meshModeOf } from "../model/kinds/istio-policy.js";
import { atomize, compareIntervals, intervalToCidrs, type Family, type IpInterval } from "../core/ip.js";
import { ConnSet } from "../core/port-set.js";
import type { Cluster } from "../model/types.js";
import { PolicyEvaluator, type PodClass } from "./policy-eval.js";

export interface Edge {
  /** Workload id, or `ip:<cidr>`. */
  readonly from: string;
  readonly to: string;
  readonly conns: ConnSet;
}

/** Connectivity between a workload and outside addresses, as merged intervals (for people and diffs). */
export interface IpEdge {
  readonly workload: string;
  readonly direction: "ingress" | "egress";
  readonly intervals: readonly IpInterval[];
  readonly conns: ConnSet;
}

export interface Connectivity {
  /** Workload to workload, including a workload to itself (between its replicas). */
  readonly podEdges: readonly Edge[];
  readonly ipEdges: readonly IpEdge[];
  readonly classes: number;
  readonly families: readonly Family[];
  /** What one workload may open to another (none when either is unknown), without computing every pair. */
  between(from: string, to: string): ConnSet;
}

export interface ReachOptions {
  /** Address families to model outside addresses in (default: IPv4, and IPv6 when a policy names an IPv6 block). */
  readonly families?: readonly Family[];
}

// Several parts of one analysis (the reachability diff, the rule context, the exposure engine) ask for
// the classes of the same snapshot: they are computed once per Cluster object. Classes are never
// changed after they are built; each caller gets its own array.
const classesOf = new WeakMap<Cluster, PodClass[]>();

export function podClasses(cluster: Cluster): PodClass[] {
  let classes = classesOf.get(cluster);
  if (!classes) classesOf.set(cluster, (classes = buildClasses(cluster)));
  return [...classes];
}

function buildClasses(cluster: Cluster): PodClass[] {
  const byKey = new Map<string, PodClass>();
  // With Istio policies, the service account (the principal) and the mesh mode tell pods apart too.
  const istio = (cluster.authorizationPolicies?.length ?? 0) + (cluster.peerAuthentications?.length ?? 0) > 0;
  // Calico selects by service account too (serviceAccountSelector, serviceAccounts).
  const calico = (cluster.calicoPolicies?.length ?? 0) > 0;
  for (const w of cluster.workloads) {
    const ns = cluster.namespaces.get(w.namespace);
    const mesh = istio ? meshModeOf(w, ns?.labels ?? {}) : undefined;
    const serviceAccount = istio || calico ? w.serviceAccountName || "default" : undefined;
    const labels = Object.fromEntries(Object.entries(w.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    const ports = [...w.ports].sort(
      (a, b) => a.containerPort - b.containerPort || (a.name ?? "").localeCompare(b.name ?? ""),
    );
    const key = JSON.stringify([
      w.namespace,
      labels,
      ports.map((p) => [p.name, p.containerPort, p.protocol]),
      w.hostNetwork,
      ...(istio ? [mesh] : []),
      ...(istio || calico ? [serviceAccount] : []),
    ]);
    let cls = byKey.get(key);
    if (!cls) {
      cls = {
        index: byKey.size,
        namespace: w.namespace,
        namespaceLabels: ns?.labels ?? {},
        labels,
        ports,
        hostNetwork: w.hostNetwork,
        members: [],
        ...(istio ? { mesh } : {}),
        ...(istio || calico ? { serviceAccount } : {}),
      };
      byKey.set(key, cls);
    }
    cls.members.push(w);
  }
  return [...byKey.values()];
}

/** Every address block named by a policy (ipBlock cidr/except, admin `networks`). */
function policyBlocks(cluster: Cluster): IpInterval[] {
  const blocks: IpInterval[] = [];
  for (const np of cluster.networkPolicies)
    for (const rule of [...np.ingress, ...np.egress])
      for (const peer of rule.peers ?? []) if (peer.type === "ipBlock") blocks.push(peer.cidr, ...peer.except);
  for (const ap of cluster.adminPolicies)
    for (const rule of [...ap.ingress, ...ap.egress])
      for (const peer of rule.peers) if (peer.type === "networks") blocks.push(...peer.blocks);
  for (const cp of cluster.ciliumPolicies ?? []) blocks.push(...ciliumBlocks(cp));
  for (const cp of cluster.calicoPolicies ?? []) blocks.push(...calicoBlocks(cp));
  for (const ap of cluster.authorizationPolicies ?? []) blocks.push(...istioBlocks(ap));
  return blocks;
}

export function defaultFamilies(cluster: Cluster): Family[] {
  return policyBlocks(cluster).some((b) => b.family === 6) ? [4, 6] : [4];
}

/**
 * Every address block that can decide traffic of pods in each namespace: the namespace's own
 * NetworkPolicies' ipBlocks, and the admin tier's networks (which apply everywhere). A class's
 * outside connectivity is piecewise constant on the atoms of these blocks, so cutting the address
 * space only there (instead of at every block of the cluster) gives the same runs, at a cost that
 * does not grow with the number of namespaces.
 */
export class NamespaceAtoms {
  private readonly byNamespace = new Map<string, IpInterval[]>();
  private readonly npBlocks = new Map<string, IpInterval[]>();
  private readonly adminBlocks: IpInterval[] = [];

  constructor(
    cluster: Cluster,
    private readonly families: readonly Family[],
  ) {
    for (const np of cluster.networkPolicies) {
      let list = this.npBlocks.get(np.namespace);
      if (!list) this.npBlocks.set(np.namespace, (list = []));
      for (const rule of [...np.ingress, ...np.egress])
        for (const peer of rule.peers ?? []) if (peer.type === "ipBlock") list.push(peer.cidr, ...peer.except);
    }
    for (const ap of cluster.adminPolicies)
      for (const rule of [...ap.ingress, ...ap.egress])
        for (const peer of rule.peers) if (peer.type === "networks") this.adminBlocks.push(...peer.blocks);
    // A CiliumNetworkPolicy's blocks decide its namespace's pods; a clusterwide one's, every pod.
    for (const cp of cluster.ciliumPolicies ?? []) {
      if (cp.namespace === undefined) this.adminBlocks.push(...ciliumBlocks(cp));
      else {
        let list = this.npBlocks.get(cp.namespace);
        if (!list) this.npBlocks.set(cp.namespace, (list = []));
        list.push(...ciliumBlocks(cp));
      }
    }
    // Likewise a Calico NetworkPolicy's nets, and a GlobalNetworkPolicy's for every pod.
    for (const cp of cluster.calicoPolicies ?? []) {
      if (cp.namespace === undefined) this.adminBlocks.push(...calicoBlocks(cp));
      else {
        let list = this.npBlocks.get(cp.namespace);
        if (!list) this.npBlocks.set(cp.namespace, (list = []));
        list.push(...calicoBlocks(cp));
      }
    }
    // An AuthorizationPolicy's blocks decide its namespace's pods; one in the root namespace, every pod.
    for (const ap of cluster.authorizationPolicies ?? []) {
      if (ap.namespace === ISTIO_ROOT_NAMESPACE) this.adminBlocks.push(...istioBlocks(ap));
      else {
        let list = this.npBlocks.get(ap.namespace);
        if (!list) this.npBlocks.set(ap.namespace, (list = []));
        list.push(...istioBlocks(ap));
      }
    }
  }

  of(namespace: string): IpInterval[] {
    let atoms = this.byNamespace.get(namespace);
    if (!atoms) {
      atoms = atomize(this.families, [...(this.npBlocks.get(namespace) ?? []), ...this.adminBlocks]).sort(
        compareIntervals,
      );
      this.byNamespace.set(namespace, atoms);
    }
    return atoms;
  }
}

/** A class's connectivity with outside addresses in one direction, as runs of equal connections. */
export function ipRuns(
  evaluator: PolicyEvaluator,
  cls: PodClass,
  direction: "ingress" | "egress",
  atoms: readonly IpInterval[],
): { intervals: IpInterval[]; conns: ConnSet }[] {
  return mergeRuns(
    atoms.map((interval) => ({ interval, conns: evaluator.evaluate(direction, cls, { type: "ip", interval }) })),
  );
}

/** Joins adjacent intervals that carry equal connections. */
function mergeRuns(items: { interval: IpInterval; conns: ConnSet }[]): { intervals: IpInterval[]; conns: ConnSet }[] {
  const groups: { intervals: IpInterval[]; conns: ConnSet }[] = [];
  for (const { interval, conns } of items) {
    if (conns.isEmpty()) continue;
    let group = groups.find((g) => g.conns.equals(conns));
    if (!group) {
      group = { intervals: [], conns };
      groups.push(group);
    }
    const last = group.intervals[group.intervals.length - 1];
    if (last && last.family === interval.family && last.hi + 1n === interval.lo)
      group.intervals[group.intervals.length - 1] = { ...last, hi: interval.hi };
    else group.intervals.push(interval);
  }
  return groups;
}

/** What pods of `src` may open to pods of `dst`: allowed by src's egress and by dst's ingress. */
export function classConns(evaluator: PolicyEvaluator, src: PodClass, dst: PodClass): ConnSet {
  const egress = evaluator.evaluate("egress", src, { type: "pods", pods: dst });
  return egress.isEmpty() ? egress : egress.intersect(evaluator.evaluate("ingress", dst, { type: "pods", pods: src }));
}

/** `Connectivity.between` for a side's classes. */
export function pairQuery(
  evaluator: PolicyEvaluator,
  classes: readonly PodClass[],
): (from: string, to: string) => ConnSet {
  const classOf = new Map<string, PodClass>();
  for (const c of classes) for (const w of c.members) classOf.set(w.id, c);
  return (from, to) => {
    const a = classOf.get(from);
    const b = classOf.get(to);
    return a && b ? classConns(evaluator, a, b) : ConnSet.NONE;
  };
}

export function computeConnectivity(cluster: Cluster, options: ReachOptions = {}): Connectivity {
  const evaluator = new PolicyEvaluator(cluster);
  const classes = podClasses(cluster);
  const families = options.families ?? defaultFamilies(cluster);
  const atoms = new NamespaceAtoms(cluster, families);

  const podEdges: Edge[] = [];
  for (const src of classes) {
    for (const dst of classes) {
      const conns = classConns(evaluator, src, dst);
      if (conns.isEmpty()) continue;
      for (const a of src.members) for (const b of dst.members) podEdges.push({ from: a.id, to: b.id, conns });
    }
  }

  const ipEdges: IpEdge[] = [];
  for (const cls of classes) {
    for (const direction of ["egress", "ingress"] as const) {
      const runs = ipRuns(evaluator, cls, direction, atoms.of(cls.namespace));
      for (const run of runs)
        for (const w of cls.members)
          ipEdges.push({ workload: w.id, direction, intervals: run.intervals, conns: run.conns });
    }
  }
  const byId = (a: { from: string; to: string }, b: { from: string; to: string }) =>
    a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0;
  podEdges.sort(byId);
  ipEdges.sort((a, b) =>
    a.workload < b.workload
      ? -1
      : a.workload > b.workload
        ? 1
        : a.direction < b.direction
          ? -1
          : a.direction > b.direction
            ? 1
            : compareIntervals(a.intervals[0], b.intervals[0]),
  );
  return { podEdges, ipEdges, classes: classes.length, families, between: pairQuery(evaluator, classes) };
}

/** The machine-output edge list: pod edges plus one edge per CIDR block of every IP edge, sorted. */
export function connectivityEdges(c: Connectivity): Edge[] {
  const out: Edge[] = [...c.podEdges];
  for (const e of c.ipEdges)
    for (const iv of e.intervals)
      for (const cidr of intervalToCidrs(iv)) {
        const ip = `ip:${cidr}`;
        out.push(
          e.direction === "egress"
            ? { from: e.workload, to: ip, conns: e.conns }
            : { from: ip, to: e.workload, conns: e.conns },
        );
      }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}
