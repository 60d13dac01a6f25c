// Base vs head: which connections and exposures appear, disappear or change. Unchanged things are
// not listed.
import { compareIntervals, type IpInterval } from "../core/ip.js";
import { ConnSet } from "../core/port-set.js";
import type { Connectivity, IpEdge } from "./reach.js";

export type ChangeKind = "added" | "removed" | "changed";

export interface ConnectionChange {
  /** The environment (one deployed cluster) it belongs to, when the repository deploys several; not part of ids. */
  readonly environment?: string;
  readonly change: ChangeKind;
  /** Workload id, or `ip:` for outside addresses (then `addresses` says which). */
  readonly from: string;
  readonly to: string;
  readonly base: ConnSet;
  readonly head: ConnSet;
  /** For connections with outside addresses: the address blocks concerned. */
  readonly addresses?: readonly IpInterval[];
}

export function changeKind(base: ConnSet, head: ConnSet): ChangeKind | null {
  if (base.equals(head)) return null;
  if (base.isEmpty()) return "added";
  if (head.isEmpty()) return "removed";
  return "changed";
}

/** Compares two piecewise functions address -> connections (each a list of runs of equal connections). */
export function diffAddressRuns(
  base: readonly Pick<IpEdge, "intervals" | "conns">[],
  head: readonly Pick<IpEdge, "intervals" | "conns">[],
): { addresses: IpInterval[]; base: ConnSet; head: ConnSet }[] {
  const cuts = new Map<string, { family: 4 | 6; points: Set<bigint> }>();
  const addCut = (iv: IpInterval) => {
    const key = String(iv.family);
    const entry = cuts.get(key) ?? { family: iv.family, points: new Set<bigint>() };
    entry.points.add(iv.lo);
    entry.points.add(iv.hi + 1n);
    cuts.set(key, entry);
  };
  for (const e of [...base, ...head]) e.intervals.forEach(addCut);
  const lookup = (edges: readonly Pick<IpEdge, "intervals" | "conns">[], piece: IpInterval): ConnSet =>
    edges.find((e) => e.intervals.some((iv) => iv.family === piece.family && iv.lo <= piece.lo && piece.hi <= iv.hi))
      ?.conns ?? ConnSet.NONE;
  const groups = new Map<string, { addresses: IpInterval[]; base: ConnSet; head: ConnSet }>();
  for (const { family, points } of cuts.values()) {
    const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) {
      const piece: IpInterval = { family, lo: sorted[i], hi: sorted[i + 1] - 1n };
      const b = lookup(base, piece);
      const h = lookup(head, piece);
      if (b.equals(h)) continue;
      const key = JSON.stringify([b.toJSON(), h.toJSON()]);
      const group = groups.get(key) ?? { addresses: [], base: b, head: h };
      const last = group.addresses[group.addresses.length - 1];
      if (last && last.family === piece.family && last.hi + 1n === piece.lo)
        group.addresses[group.addresses.length - 1] = { ...last, hi: piece.hi };
      else group.addresses.push(piece);
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => compareIntervals(a.addresses[0], b.addresses[0]));
}

export function diffConnectivity(base: Connectivity, head: Connectivity): ConnectionChange[] {
  const out: ConnectionChange[] = [];
  const key = (from: string, to: string) => `${from}\u0000${to}`;
  const baseEdges = new Map(base.podEdges.map((e) => [key(e.from, e.to), e]));
  const headEdges = new Map(head.podEdges.map((e) => [key(e.from, e.to), e]));
  for (const k of new Set([...baseEdges.keys(), ...headEdges.keys()])) {
    const b = baseEdges.get(k);
    const h = headEdges.get(k);
    const bc = b?.conns ?? ConnSet.NONE;
    const hc = h?.conns ?? ConnSet.NONE;
    const change = changeKind(bc, hc);
    if (change) out.push({ change, from: (b ?? h)!.from, to: (b ?? h)!.to, base: bc, head: hc });
  }
  const group = (edges: readonly IpEdge[]) => {
    const m = new Map<string, IpEdge[]>();
    for (const e of edges) {
      const k = `${e.direction}\u0000${e.workload}`;
      m.set(k, [...(m.get(k) ?? []), e]);
    }
    return m;
  };
  const baseIp = group(base.ipEdges);
  const headIp = group(head.ipEdges);
  for (const k of new Set([...baseIp.keys(), ...headIp.keys()])) {
    const [direction, workload] = k.split("\u0000");
    for (const piece of diffAddressRuns(baseIp.get(k) ?? [], headIp.get(k) ?? [])) {
      const change = changeKind(piece.base, piece.head)!;
      out.push({
        change,
        from: direction === "egress" ? workload : "ip:",
        to: direction === "egress" ? "ip:" : workload,
        base: piece.base,
        head: piece.head,
        addresses: piece.addresses,
      });
    }
  }
  return out.sort(compareChanges);
}

const ORDER: Record<ChangeKind, number> = { changed: 0, added: 1, removed: 2 };

/** The order of connection changes in every output: changed, added, removed; then by endpoints. */
export function compareChanges(a: ConnectionChange, b: ConnectionChange): number {
  return (
    ORDER[a.change] - ORDER[b.change] ||
    (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0)
  );
}
