// Making a graph small enough to read at a comment's width: workloads of one namespace that change
// alike (the same arrows, from and to the same nodes, with the same labels) become one node naming
// them; a change too large even so is drawn with one node per namespace.
import { EGRESS_PREFIX, Graph, type GEdge, type GNode, type NodeState, worse } from "./graph.js";

/** At most this many names on a node that stands for several workloads. */
const NAMES_SHOWN = 3;
/** This many workloads of one namespace with the same arrow to or from outside share one arrow. */
const FOLD_AT = 3;

/** The key of a namespace's band as an edge end (syntax.ts draws it as the subgraph). */
export const bandKey = (namespace: string) => `ns:${namespace}`;

/**
 * Arrows between outside and several workloads of one namespace that say the same (new pods that
 * may all reach the internet, say) as one arrow from or to the namespace's band.
 */
export function foldIntoBands(g: Graph): Graph {
  const outside = (key: string) => {
    const shape = g.nodes.get(key)?.shape;
    return shape === "internet" || shape === "outside";
  };
  const bundles = new Map<string, GEdge[]>();
  for (const e of g.edges.values()) {
    const [inner, other, dir] = outside(e.to) ? [e.from, e.to, ">"] : outside(e.from) ? [e.to, e.from, "<"] : [];
    const n = inner ? g.nodes.get(inner) : undefined;
    if (n?.shape !== "workload" || n.group === undefined) continue;
    const key = JSON.stringify([n.group, other, dir, e.kind, e.blocked, e.labels]);
    const list = bundles.get(key);
    if (list) list.push(e);
    else bundles.set(key, [e]);
  }
  const out = new Graph();
  for (const n of g.nodes.values()) out.node({ ...n });
  const folded = new Set<GEdge>();
  for (const [key, list] of bundles) {
    if (list.length < FOLD_AT) continue;
    const [group, other, dir] = JSON.parse(key) as [string, string, string];
    const band = bandKey(group);
    const e = list[0];
    const label = `${list.length} workloads${e.labels.length ? `: ${e.labels.join(", ")}` : ""}`;
    // The label counts the workloads; the edge is one.
    const options = { blocked: e.blocked, risk: list.map((x) => x.risk).reduce(worse) };
    if (dir === ">") out.edge(band, other, e.kind, label, e.unit, options);
    else out.edge(other, band, e.kind, label, e.unit, options);
    list.forEach((x) => folded.add(x));
  }
  for (const e of g.edges.values())
    if (!folded.has(e))
      out.edge(e.from, e.to, e.kind, e.labels.join(", "), e.unit, { count: e.count, blocked: e.blocked, risk: e.risk });
  return out;
}

/** Workloads of one namespace with the same state and the same edges, as one node. */
export function mergeSiblings(detail: Graph): Graph {
  const incident = new Map<string, string[]>();
  const note = (key: string, s: string) => {
    const list = incident.get(key);
    if (list) list.push(s);
    else incident.set(key, [s]);
  };
  const sig = (e: GEdge) => `${e.kind}|${e.blocked}|${e.risk}|${e.labels.join(",")}`;
  for (const e of detail.edges.values()) {
    note(e.from, `>${e.to}|${sig(e)}`);
    note(e.to, `<${e.from}|${sig(e)}`);
  }
  const families = new Map<string, GNode[]>();
  for (const n of detail.nodes.values()) {
    if (n.shape !== "workload") continue;
    // A renamed workload merges only with others renamed: the node says what they were called.
    const key = JSON.stringify([n.group, n.state, n.was !== undefined, (incident.get(n.key) ?? []).sort()]);
    const list = families.get(key);
    if (list) list.push(n);
    else families.set(key, [n]);
  }
  const into = new Map<string, string>();
  const g = new Graph();
  for (const members of families.values()) {
    if (members.length === 1) {
      g.node({ ...members[0] });
      continue;
    }
    const sorted = [...members].sort((a, b) => a.label.localeCompare(b.label));
    const names = sorted.map((m) => m.label);
    const key = `m:${members[0].group}\u0000${names.join("\u0000")}`;
    const few = (list: string[]) =>
      list.length > NAMES_SHOWN
        ? `${list.slice(0, NAMES_SHOWN).join(", ")} +${list.length - NAMES_SHOWN} more`
        : list.join(", ");
    g.node({
      key,
      label: few(names),
      shape: "workload",
      group: members[0].group,
      state: members[0].state,
      members: members.length,
      ...(members[0].was !== undefined ? { was: few(sorted.map((m) => m.was!)) } : {}),
    });
    for (const m of members) into.set(m.key, key);
  }
  for (const n of detail.nodes.values()) if (n.shape !== "workload") g.node({ ...n });
  for (const e of detail.edges.values())
    g.edge(into.get(e.from) ?? e.from, into.get(e.to) ?? e.to, e.kind, e.labels.join(", "), e.unit, {
      count: e.count,
      blocked: e.blocked,
      risk: e.risk,
    });
  return g;
}

/**
 * The same change with one node per namespace (entry points folded into the arrows from outside);
 * namespaces not in `keep` are folded further into one "other namespaces" node.
 */
export function collapsedGraph(detail: Graph, keep: ReadonlySet<string> | null): { graph: Graph; folded: number } {
  const g = new Graph();
  const workloadsIn = new Map<string, GNode[]>();
  for (const n of detail.nodes.values()) {
    if (n.shape !== "workload" || n.state === "context") continue;
    const list = workloadsIn.get(n.group!);
    if (list) list.push(n);
    else workloadsIn.set(n.group!, [n]);
  }
  const others = [...workloadsIn.keys()].filter((ns) => keep && !keep.has(ns));
  const outsides = [...detail.nodes.values()].filter((n) => n.shape === "outside");
  const map = (key: string): string => {
    const n = detail.nodes.get(key)!;
    if (n.shape === "internet") return g.node({ ...n });
    if (n.shape === "outside") {
      if (outsides.length <= 3) return g.node({ ...n });
      return g.node({
        key: "o:outside",
        label: `${outsides.length} outside address blocks`,
        shape: "outside",
        state: "touched",
      });
    }
    if (n.shape === "entry") return map(n.source!);
    const ns = n.group!;
    if (keep && !keep.has(ns))
      return g.node({ key: "g:other", label: `${others.length} other namespaces`, shape: "group", state: "touched" });
    const members = workloadsIn.get(ns) ?? [];
    const state: NodeState =
      members.length && members.every((m) => m.state === "added")
        ? "added"
        : members.length && members.every((m) => m.state === "removed")
          ? "removed"
          : "touched";
    return g.node({
      key: `g:${ns}`,
      label: `namespace ${ns} · ${members.length} workload${members.length === 1 ? "" : "s"}`,
      shape: "group",
      state,
    });
  };
  // Changes inside one namespace are counted on its node: Mermaid draws one loop per node at most.
  const inside = new Map<string, Map<string, number>>();
  for (const e of detail.changes()) {
    const to = detail.nodes.get(e.to)!;
    if (to.shape === "entry") continue; // outside -> entry: folded into outside -> namespace
    const [from, into] = [map(e.from), map(e.to)];
    if (from === into && g.nodes.get(from)?.shape === "group") {
      const counts = inside.get(from) ?? new Map<string, number>();
      counts.set(e.kind, (counts.get(e.kind) ?? 0) + e.count);
      inside.set(from, counts);
      continue;
    }
    g.edge(from, into, e.kind, e.labels.join(", "), e.unit, { count: e.count, blocked: e.blocked, risk: e.risk });
  }
  for (const [key, counts] of inside) {
    const n = g.nodes.get(key)!;
    const said = [...counts].map(([kind, count]) => `${count} ${kind}`).join(", ");
    n.label = `${n.label} · inside: ${said}`;
  }
  return { graph: g, folded: others.length };
}

const RISK_ORDER = { high: 0, medium: 1, low: 2 } as const;

/**
 * At most `max` workload nodes: those on the riskiest changes (then the busiest) stay, the others of
 * each namespace become one node "N more workloads" in its band, their arrows merged. A top-down
 * layout is as wide as its widest row, and rows fill with workloads.
 */
export function budgetWorkloads(g: Graph, max: number): { graph: Graph; folded: number } {
  const workloads = [...g.nodes.values()].filter((n) => n.shape === "workload");
  if (workloads.length <= max) return { graph: g, folded: 0 };
  const score = new Map<string, { risk: number; degree: number }>();
  for (const e of g.changes())
    for (const key of [e.from, e.to]) {
      const s = score.get(key) ?? { risk: 3, degree: 0 };
      score.set(key, { risk: Math.min(s.risk, RISK_ORDER[e.risk]), degree: s.degree + 1 });
    }
  const ranked = workloads.sort((a, b) => {
    const x = score.get(a.key) ?? { risk: 3, degree: 0 };
    const y = score.get(b.key) ?? { risk: 3, degree: 0 };
    return x.risk - y.risk || y.degree - x.degree || a.key.localeCompare(b.key);
  });
  // Room for one "more" node per namespace that loses some.
  let keep = max;
  const namespacesFolded = (k: number) => new Set(ranked.slice(k).map((n) => n.group)).size;
  while (keep > 1 && keep + namespacesFolded(keep) > max) keep--;
  const into = new Map<string, string>();
  const folded = new Map<string, GNode[]>();
  for (const n of ranked.slice(keep)) {
    const list = folded.get(n.group!) ?? [];
    list.push(n);
    folded.set(n.group!, list);
    into.set(n.key, `f:${n.group}`);
  }
  const out = new Graph();
  for (const n of g.nodes.values()) if (!into.has(n.key)) out.node({ ...n });
  let count = 0;
  for (const [ns, members] of folded) {
    // One node standing for several merged siblings counts them all.
    const n = members.reduce((sum, m) => sum + (m.members ?? 1), 0);
    count += n;
    const state = members.every((m) => m.state === members[0].state) ? members[0].state : "touched";
    out.node({
      key: `f:${ns}`,
      label: `${n} more workload${n === 1 ? "" : "s"}`,
      shape: "workload",
      group: ns,
      state,
      members: n,
    });
  }
  for (const e of g.edges.values()) {
    const from = into.get(e.from) ?? e.from;
    const to = into.get(e.to) ?? e.to;
    if (from === to) continue;
    out.edge(from, to, e.kind, e.labels.join(", "), e.unit, {
      count: e.count,
      blocked: e.blocked,
      risk: e.risk,
    });
  }
  return { graph: out, folded: count };
}

/**
 * More than `max` arrows from workloads out to outside addresses (new pods that may all reach the
 * internet, say) are said in words instead: drawn, each runs from its band to the foot of the diagram
 * and widens every row it crosses.
 */
export function summariseEgress(g: Graph, max: number): { graph: Graph; said: string | null } {
  const egress = [...g.edges.values()].filter((e) => e.to.startsWith(EGRESS_PREFIX));
  if (egress.length <= max) return { graph: g, said: null };
  const out = new Graph();
  for (const n of g.nodes.values()) if (!n.key.startsWith(EGRESS_PREFIX)) out.node({ ...n });
  for (const e of g.edges.values())
    if (!e.to.startsWith(EGRESS_PREFIX))
      out.edge(e.from, e.to, e.kind, e.labels.join(", "), e.unit, { count: e.count, blocked: e.blocked, risk: e.risk });
  const sources = new Set(egress.map((e) => e.from)).size;
  const targets = [...new Set(egress.map((e) => g.nodes.get(e.to)!.label))].sort();
  const kinds = [...new Set(egress.map((e) => e.kind))].sort();
  return {
    graph: out,
    said: `does not draw the ${egress.length} ${kinds.join(" or ")} connections of ${sources} workloads to ${targets.join(", ")} (the reachability table lists them)`,
  };
}
