// Which manifest objects a pull request added, removed or changed (by their modelled content, so a
// reformatted file is not a change), and which of them explain a given connection change.
import { CALICO_NETWORK_POLICY } from "../model/kinds/calico-policy.js";
import { matches } from "../core/label-selector.js";
import { locatedObjects } from "../model/objects.js";
import type { Cluster, Located, NetworkPolicy, Workload } from "../model/types.js";
import type { ChangeKind } from "./diff.js";

export interface ObjectChange {
  /** The environment (one deployed cluster) it belongs to, when the repository deploys several; not part of ids. */
  readonly environment?: string;
  readonly change: ChangeKind;
  readonly id: string;
  readonly kind: string;
  readonly file: string;
  readonly line: number;
}

/** The snapshot's objects that matter for exposure and reachability, by id. */
function objectsById(cluster: Cluster): Map<string, Located & { namespace?: string }> {
  const m = new Map<string, Located & { namespace?: string }>();
  for (const o of locatedObjects(cluster)) m.set(o.id, o);
  for (const ns of cluster.namespaces.values())
    if (ns.source)
      m.set(`Namespace/${ns.name}`, {
        id: `Namespace/${ns.name}`,
        kind: "Namespace",
        name: ns.name,
        source: ns.source,
        labels: ns.labels,
      } as never);
  return m;
}

function content(o: object): string {
  return JSON.stringify(o, (key, value) => {
    if (key === "source" || key === "line" || key === "path") return undefined;
    if (key === "raw") return (value as { data: unknown }).data;
    return typeof value === "bigint" ? value.toString() : value;
  });
}

export function diffObjects(base: Cluster, head: Cluster): ObjectChange[] {
  const b = objectsById(base);
  const h = objectsById(head);
  const out: ObjectChange[] = [];
  for (const id of new Set([...b.keys(), ...h.keys()])) {
    const bo = b.get(id);
    const ho = h.get(id);
    // An object read from the very same parsed document on both sides (the loader shares the files a
    // pull request did not touch) is unchanged without comparing its content.
    const change: ChangeKind | null = !bo
      ? "added"
      : !ho
        ? "removed"
        : bo.source !== ho.source && content(bo) !== content(ho)
          ? "changed"
          : null;
    if (!change) continue;
    const o = (ho ?? bo)!;
    out.push({ change, id, kind: o.kind, file: o.source.file, line: o.source.line });
  }
  return out.sort((x, y) => x.id.localeCompare(y.id));
}

/**
 * The changed objects that can explain a change of traffic from `from` to `to`: the workloads
 * themselves, their namespaces, NetworkPolicies selecting either side (in base or head), and any
 * changed cluster-wide policy.
 */
export function causesOf(
  from: string,
  to: string,
  changes: readonly ObjectChange[],
  base: Cluster,
  head: Cluster,
): ObjectChange[] {
  return causeFinder(changes, base, head)(from, to);
}

/** causesOf for many connections of one diff: the indexes are built once. */
export function causeFinder(
  changes: readonly ObjectChange[],
  base: Cluster,
  head: Cluster,
): (from: string, to: string) => ObjectChange[] {
  const byId = (c: Cluster) => {
    const m = new Map<string, Workload[]>();
    for (const w of c.workloads) {
      const list = m.get(w.id);
      if (list) list.push(w);
      else m.set(w.id, [w]);
    }
    return m;
  };
  const indexes = [byId(base), byId(head)];
  const workload = (id: string): Workload[] => indexes.flatMap((m) => m.get(id) ?? []);
  const policies = (c: Cluster, ids: Set<string>) =>
    new Map(c.networkPolicies.filter((p) => ids.has(p.id)).map((p) => [p.id, p]));
  const changedIds = new Set(changes.map((c) => c.id));
  const np = [policies(base, changedIds), policies(head, changedIds)];
  const selects = (p: NetworkPolicy, ws: Workload[]) =>
    ws.some((w) => w.namespace === p.namespace && matches(p.podSelector, w.labels));
  return (from, to) => {
    const fromW = workload(from);
    const toW = workload(to);
    const namespaces = new Set([...fromW, ...toW].map((w) => `Namespace/${w.namespace}`));
    return changes.filter((c) => {
      if (c.id === from || c.id === to) return true;
      if (namespaces.has(c.id)) return true;
      if (c.kind === "NetworkPolicy" && !c.id.includes(`/${CALICO_NETWORK_POLICY}/`))
        return np.some((m) => {
          const p = m.get(c.id);
          return !!p && (selects(p, fromW) || selects(p, toW));
        });
      return (
        c.kind === "AdminNetworkPolicy" ||
        c.kind === "BaselineAdminNetworkPolicy" ||
        c.kind === "ClusterNetworkPolicy" ||
        // A Cilium policy may select either side, in any namespace: named as a possible cause.
        c.kind === "CiliumNetworkPolicy" ||
        c.kind === "CiliumClusterwideNetworkPolicy" ||
        // An Istio policy decides connections into any pod it applies to, by the source's identity.
        c.kind === "AuthorizationPolicy" ||
        c.kind === "PeerAuthentication" ||
        // So may a Calico policy or tier (a Calico NetworkPolicy's id names its group).
        c.kind === "GlobalNetworkPolicy" ||
        c.kind === "Tier" ||
        c.id.includes(`/${CALICO_NETWORK_POLICY}/`)
      );
    });
  };
}
