// Base vs head reachability without computing either side in full. A connection between two pods can
// only change when something that decides it changes: the class of either end (its namespace, pod or
// namespace labels, named ports, hostNetwork), a NetworkPolicy that selects either end (in base or in
// head), or the admin tier. So the workloads the change touches ("dirty") are evaluated against every
// class of the other side, in both directions and on both sides, and every other pair is known to be
// unchanged without being looked at. The result is exactly diffConnectivity(computeConnectivity(base),
// computeConnectivity(head)); the cost grows with what the pull request touches times the number of
// classes, not with the square of the repository.
import { matches } from "../core/label-selector.js";
import type { Family } from "../core/ip.js";
import { ConnSet } from "../core/port-set.js";
import type { Cluster, NetworkPolicy } from "../model/types.js";
import { changeKind, compareChanges, diffAddressRuns, type ConnectionChange } from "./diff.js";
import { PolicyEvaluator, type PodClass } from "./policy-eval.js";
import {
  classConns,
  computeConnectivity,
  ipRuns,
  NamespaceAtoms,
  pairQuery,
  podClasses,
  type Connectivity,
} from "./reach.js";

export interface ReachDiff {
  /** Every connection change, in diffConnectivity's order. */
  readonly connections: ConnectionChange[];
  readonly classes: { readonly base: number; readonly head: number };
  /** Each side's full connectivity, computed only when read. */
  readonly connectivity: { readonly base: Connectivity; readonly head: Connectivity };
}

/** The content of a model object that decides traffic (positions and display paths left out). */
function semantic(o: object): string {
  return JSON.stringify(o, (key, value) => {
    if (key === "source" || key === "line" || key === "path" || key === "text") return undefined;
    return typeof value === "bigint" ? value.toString() : value;
  });
}

/** Objects (by id) that differ between the two lists: added, removed or changed. */
function changedById<T extends { id: string; source: unknown }>(
  base: readonly T[],
  head: readonly T[],
): { base?: T; head?: T }[] {
  const b = new Map(base.map((o) => [o.id, o]));
  const h = new Map(head.map((o) => [o.id, o]));
  const out: { base?: T; head?: T }[] = [];
  for (const [id, bo] of b) {
    const ho = h.get(id);
    // The same parsed document on both sides (the loader shares unchanged files) is the same object.
    if (!ho || (bo.source !== ho.source && semantic(bo) !== semantic(ho))) out.push({ base: bo, head: ho });
  }
  for (const [id, ho] of h) if (!b.has(id)) out.push({ head: ho });
  return out;
}

/** What decides a class's traffic apart from the policies: everything its cache key holds, and its namespace's labels. */
function classSignature(c: PodClass): string {
  const ns = Object.entries(c.namespaceLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    c.namespace,
    ns,
    c.labels,
    c.ports.map((p) => [p.name, p.containerPort, p.protocol]),
    c.hostNetwork,
    c.mesh,
    c.serviceAccount,
  ]);
}

interface SideModel {
  readonly evaluator: PolicyEvaluator;
  readonly classes: PodClass[];
  readonly classOf: Map<string, PodClass>;
  readonly atoms: NamespaceAtoms;
}

function sideModel(cluster: Cluster, families: readonly Family[]): SideModel {
  const classes = podClasses(cluster);
  const classOf = new Map<string, PodClass>();
  for (const c of classes) for (const w of c.members) classOf.set(w.id, c);
  return { evaluator: new PolicyEvaluator(cluster), classes, classOf, atoms: new NamespaceAtoms(cluster, families) };
}

/** Workloads whose pods belong to the same class in base and the same class in head. */
interface Group {
  readonly base?: PodClass;
  readonly head?: PodClass;
  readonly members: string[];
  dirty: boolean;
}

function lazyConnectivity(cluster: Cluster, families: readonly Family[], side: SideModel): Connectivity {
  let full: Connectivity | undefined;
  const get = () => (full ??= computeConnectivity(cluster, { families }));
  return {
    get podEdges() {
      return get().podEdges;
    },
    get ipEdges() {
      return get().ipEdges;
    },
    classes: side.classes.length,
    families: [...families],
    between: pairQuery(side.evaluator, side.classes),
  };
}

export function diffReach(base: Cluster, head: Cluster, families: readonly Family[]): ReachDiff {
  const b = sideModel(base, families);
  const h = sideModel(head, families);

  // Group every workload id by (base class, head class).
  const groups = new Map<string, Group>();
  const ids = new Set<string>([...b.classOf.keys(), ...h.classOf.keys()]);
  const groupOf = new Map<string, Group>();
  for (const id of ids) {
    const bc = b.classOf.get(id);
    const hc = h.classOf.get(id);
    const key = `${bc?.index ?? -1} ${hc?.index ?? -1}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { base: bc, head: hc, members: [], dirty: false }));
    g.members.push(id);
    groupOf.set(id, g);
  }

  // Which groups the change can touch.
  const all = [...groups.values()];
  // Admin and Cilium policies (clusterwide ones, selectors across namespaces) can touch any group.
  if (
    changedById(base.adminPolicies, head.adminPolicies).length > 0 ||
    changedById(base.ciliumPolicies ?? [], head.ciliumPolicies ?? []).length > 0 ||
    // Istio policies in the root namespace apply mesh-wide; principals name pods of any namespace.
    changedById(base.authorizationPolicies ?? [], head.authorizationPolicies ?? []).length > 0 ||
    changedById(base.peerAuthentications ?? [], head.peerAuthentications ?? []).length > 0 ||
    // Calico policies and tiers: global ones, and selectors across namespaces.
    changedById(base.calicoPolicies ?? [], head.calicoPolicies ?? []).length > 0 ||
    changedById(base.calicoTiers ?? [], head.calicoTiers ?? []).length > 0
  ) {
    for (const g of all) g.dirty = true;
  } else {
    const signatures = new Map<PodClass, string>();
    const signature = (c: PodClass) => {
      let s = signatures.get(c);
      if (s === undefined) signatures.set(c, (s = classSignature(c)));
      return s;
    };
    for (const g of all) if (!g.base || !g.head || signature(g.base) !== signature(g.head)) g.dirty = true;
    const byNamespace = (classes: readonly PodClass[]) => {
      const m = new Map<string, PodClass[]>();
      for (const c of classes) {
        const list = m.get(c.namespace);
        if (list) list.push(c);
        else m.set(c.namespace, [c]);
      }
      return m;
    };
    const bNs = byNamespace(b.classes);
    const hNs = byNamespace(h.classes);
    const touch = (np: NetworkPolicy | undefined, classes: Map<string, PodClass[]>) => {
      if (!np) return;
      for (const c of classes.get(np.namespace) ?? [])
        if (matches(np.podSelector, c.labels)) for (const w of c.members) groupOf.get(w.id)!.dirty = true;
    };
    for (const change of changedById(base.networkPolicies, head.networkPolicies)) {
      touch(change.base, bNs);
      touch(change.head, hNs);
    }
  }

  const conn = (side: SideModel, src: PodClass | undefined, dst: PodClass | undefined): ConnSet => {
    return src && dst ? classConns(side.evaluator, src, dst) : ConnSet.NONE;
  };

  const out: ConnectionChange[] = [];
  const emit = (from: Group, to: Group) => {
    const bc = conn(b, from.base, to.base);
    const hc = conn(h, from.head, to.head);
    const change = changeKind(bc, hc);
    if (!change) return;
    for (const x of from.members) for (const y of to.members) out.push({ change, from: x, to: y, base: bc, head: hc });
  };
  const dirty = all.filter((g) => g.dirty);
  for (const d of dirty) {
    for (const g of all) {
      emit(d, g);
      if (!g.dirty) emit(g, d);
    }
    // Outside addresses, per direction: the runs of each side's class, compared piece by piece.
    for (const direction of ["egress", "ingress"] as const) {
      const runs = (side: SideModel, c: PodClass | undefined) =>
        c ? ipRuns(side.evaluator, c, direction, side.atoms.of(c.namespace)) : [];
      const pieces = diffAddressRuns(runs(b, d.base), runs(h, d.head));
      for (const w of d.members)
        for (const piece of pieces)
          out.push({
            change: changeKind(piece.base, piece.head)!,
            from: direction === "egress" ? w : "ip:",
            to: direction === "egress" ? "ip:" : w,
            base: piece.base,
            head: piece.head,
            addresses: piece.addresses,
          });
    }
  }
  return {
    connections: out.sort(compareChanges),
    classes: { base: b.classes.length, head: h.classes.length },
    connectivity: { base: lazyConnectivity(base, families, b), head: lazyConnectivity(head, families, h) },
  };
}
