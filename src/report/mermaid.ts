// The change as a Mermaid flowchart: outside sources, entry points (the load balancer, node ports
// and external IPs of one Service that change alike are one), namespaces as subgraphs and
// workloads as nodes. Added paths are thick green, removed ones dashed red, changed ones amber, and
// unchanged neighbours light grey, for context only. Only what the change touches is drawn.
//
// Safety: node and subgraph ids are generated (n1, s1, ...), never taken from a manifest; every
// label is double-quoted and entity-encoded (escape.ts); no click, no %%{init}%%, no HTML, no links.
// Size: GitHub renders at most 50,000 characters and 500 edges; beyond a readable size (about 60
// nodes) the diagram is collapsed by namespace, and says so.
import type { DiffResult } from "../analysis/analyze.js";
import type { ChangeKind } from "../analysis/diff.js";
import { type ExposureDelta, exposureKey } from "../analysis/exposure-diff.js";
import type { Exposure } from "../analysis/exposure/index.js";
import { mermaidText } from "./escape.js";
import {
  describeDelta,
  entryAddress,
  entryKey,
  entryLabel,
  isEverywhere,
  peer,
  portsChange,
  splitId,
} from "./names.js";

/** GitHub's (Mermaid's default) limits. */
export const MERMAID_MAX_CHARS = 50_000;
export const MERMAID_MAX_EDGES = 500;

export type EdgeKind = ChangeKind | "context";
type Shape = "workload" | "entry" | "outside" | "internet" | "group";
type NodeState = "added" | "removed" | "touched" | "context";

interface GNode {
  readonly key: string;
  label: string;
  readonly shape: Shape;
  /** Namespace subgraph of a workload. */
  readonly group?: string;
  state: NodeState;
  /** For entry points: the key of the outside node their clients come from. */
  source?: string;
}

interface GEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly labels: string[];
  count: number;
  readonly unit: string;
  /** A NetworkPolicy stops it: drawn with a cross for an arrowhead. */
  readonly blocked: boolean;
}

const STATE_RANK: Record<NodeState, number> = { added: 0, removed: 0, touched: 1, context: 2 };
const KIND_ORDER: Record<EdgeKind, number> = { added: 0, changed: 1, removed: 2, context: 3 };

class Graph {
  readonly nodes = new Map<string, GNode>();
  readonly edges = new Map<string, GEdge>();

  node(n: GNode): string {
    const old = this.nodes.get(n.key);
    if (!old) this.nodes.set(n.key, n);
    else if (STATE_RANK[n.state] < STATE_RANK[old.state]) old.state = n.state;
    return n.key;
  }

  edge(from: string, to: string, kind: EdgeKind, label: string, unit: string, count = 1, blocked = false): void {
    const key = `${from}\u0000${to}\u0000${kind}\u0000${blocked}`;
    const old = this.edges.get(key);
    if (!old) this.edges.set(key, { from, to, kind, labels: label ? [label] : [], count, unit, blocked });
    else {
      old.count += count;
      if (label && !old.labels.includes(label) && old.labels.length < 8) old.labels.push(label);
    }
  }

  /** Non-context edges. */
  changes(): GEdge[] {
    return [...this.edges.values()].filter((e) => e.kind !== "context");
  }
}

const INTERNET = "o:internet";
const VPC = "o:vpc";

function exposureLabel(e: Exposure, deltas: readonly ExposureDelta[] = []): string {
  const parts = [`${e.protocol} ${e.port}`, ...deltas.map(describeDelta)];
  if (e.blockedBy && !deltas.some((d) => d.kind === "now-blocked" || d.kind === "no-longer-blocked"))
    parts.push(`blocked by ${e.blockedBy}`);
  return parts.join(": ");
}

interface EntryInfo {
  readonly exposures: Exposure[];
  readonly kinds: Set<EdgeKind>;
  readonly deltas: Set<ExposureDelta["kind"]>;
  readonly sources: { readonly base: Set<string>; readonly head: Set<string> };
  /** Entry -> workload, one per exposure. */
  readonly edges: { to: string; kind: EdgeKind; label: string; blocked: boolean }[];
}

const SERVICE_ENTRY_ORDER: Record<string, number> = { LoadBalancer: 0, NodePort: 1, ExternalIP: 2 };

/**
 * The ways into one Service (its load balancer, node ports, external IPs) that change alike, reached
 * from the same side, as one entry node: a LoadBalancer Service brings node ports with it, and two
 * entry nodes stacked in one rank with arrows to the same pods are where the layout draws one arrow
 * through the other node. Every other entry point stays a node of its own.
 */
function mergeServiceEntries(entries: ReadonlyMap<string, EntryInfo>): Map<string, EntryInfo> {
  const out = new Map<string, EntryInfo>();
  for (const [key, info] of entries) {
    const v = info.exposures[0].via;
    const node =
      v.kind in SERVICE_ENTRY_ORDER
        ? `e:${JSON.stringify(["service", v.ref, !!v.internal, [...info.kinds].sort()])}`
        : `e:${key}`;
    const into = out.get(node);
    if (!into) {
      out.set(node, {
        exposures: [...info.exposures],
        kinds: new Set(info.kinds),
        deltas: new Set(info.deltas),
        sources: { base: new Set(info.sources.base), head: new Set(info.sources.head) },
        edges: [...info.edges],
      });
      continue;
    }
    into.exposures.push(...info.exposures);
    info.deltas.forEach((d) => into.deltas.add(d));
    info.sources.base.forEach((s) => into.sources.base.add(s));
    info.sources.head.forEach((s) => into.sources.head.add(s));
    into.edges.push(...info.edges);
  }
  return out;
}

/** `LoadBalancer :5432 + NodePort (allocated port) of shop/Service/db-external`. */
function serviceEntryLabel(exposures: readonly Exposure[]): string {
  const sorted = [...exposures].sort(
    (a, b) =>
      SERVICE_ENTRY_ORDER[a.via.kind] - SERVICE_ENTRY_ORDER[b.via.kind] ||
      (a.via.entryPort ?? a.port) - (b.via.entryPort ?? b.port),
  );
  const byKind = new Map<string, string[]>();
  for (const e of sorted) {
    const v = e.via;
    const what =
      v.kind === "ExternalIP"
        ? entryAddress(e)
        : v.entryPort !== undefined
          ? `:${v.entryPort}`
          : v.kind === "NodePort"
            ? "(allocated port)"
            : `:${e.port}`;
    const list = byKind.get(v.kind) ?? [];
    if (!list.includes(what)) list.push(what);
    byKind.set(v.kind, list);
  }
  const parts = [...byKind].map(([kind, list]) =>
    kind === "ExternalIP" ? list.join(", ") : `${kind} ${list.join(", ")}`,
  );
  return `${parts.join(" + ")} of ${exposures[0].via.ref}`;
}

/** Everything the change touches, entry point by entry point and workload by workload. */
function detailedGraph(r: DiffResult, context: boolean): Graph {
  const g = new Graph();
  const added = new Set(r.workloads.added);
  const removed = new Set(r.workloads.removed);
  const workload = (id: string, state: NodeState) => {
    const p = splitId(id);
    return g.node({
      key: `w:${id}`,
      label: p.kind ? `${p.kind}/${p.name}` : p.name,
      shape: "workload",
      group: p.namespace ?? "",
      state: added.has(id) ? "added" : removed.has(id) ? "removed" : state,
    });
  };
  const internet = () => g.node({ key: INTERNET, label: "Internet", shape: "internet", state: "touched" });
  const vpc = () => g.node({ key: VPC, label: "internal network", shape: "internet", state: "touched" });

  for (const c of r.connections) {
    const end = (side: "from" | "to") =>
      c[side] !== "ip:"
        ? workload(c[side], "touched")
        : isEverywhere(c)
          ? internet()
          : g.node({ key: `o:${peer(c, side)}`, label: peer(c, side), shape: "outside", state: "touched" });
    g.edge(end("from"), end("to"), c.change, portsChange(c), "connection");
  }

  // Entry points: each exposure is an edge entry -> workload; the entry's own edge from outside
  // is added, removed, changed or unchanged depending on what happens to all its exposures.
  const entries = new Map<string, EntryInfo>();
  const addExposure = (
    e: Exposure,
    kind: EdgeKind,
    deltas: readonly ExposureDelta[],
    base: Exposure | null,
    head: Exposure | null,
  ) => {
    const key = entryKey(e);
    const info = entries.get(key) ?? {
      exposures: [],
      kinds: new Set<EdgeKind>(),
      deltas: new Set<ExposureDelta["kind"]>(),
      sources: { base: new Set<string>(), head: new Set<string>() },
      edges: [],
    };
    info.exposures.push(e);
    info.kinds.add(kind);
    deltas.forEach((d) => info.deltas.add(d.kind));
    base?.sources.forEach((s) => info.sources.base.add(s));
    head?.sources.forEach((s) => info.sources.head.add(s));
    entries.set(key, info);
    // Blocked: by head's policies, or for a removed exposure by base's.
    const blocked = !!(kind === "removed" ? base?.blockedBy : (head ?? e).blockedBy);
    info.edges.push({
      to: workload(e.workload, kind === "context" ? "context" : "touched"),
      kind,
      label: exposureLabel(e, deltas),
      blocked,
    });
  };
  for (const x of r.exposures) addExposure((x.head ?? x.base)!, x.change, x.deltas, x.base, x.head);

  if (context) {
    const touched = (id: string) => {
      const n = g.nodes.get(`w:${id}`);
      return !!n && n.state !== "context";
    };
    const changedExposures = new Set(r.exposures.map((x) => exposureKey((x.head ?? x.base)!)));
    for (const e of r.exposure.head)
      if (!changedExposures.has(exposureKey(e)) && touched(e.workload)) addExposure(e, "context", [], e, e);
    const changedPairs = new Set(r.connections.map((c) => `${c.from}\u0000${c.to}`));
    // Unchanged connections between the workloads on the diagram, asked pair by pair: the whole
    // connectivity of a large cluster is quadratic in its classes. At most 30 edges and 2,500 pairs.
    const ids = [...g.nodes.keys()]
      .filter((k) => k.startsWith("w:"))
      .map((k) => k.slice(2))
      .filter(touched)
      .sort();
    let budget = 30;
    let pairs = 2_500;
    search: for (const from of ids)
      for (const to of ids) {
        if (budget <= 0 || pairs-- <= 0) break search;
        if (from === to || changedPairs.has(`${from}\u0000${to}`)) continue;
        const conns = r.connectivity.head.between(from, to);
        if (conns.isEmpty()) continue;
        g.edge(`w:${from}`, `w:${to}`, "context", conns.toString(), "connection");
        budget--;
      }
  }

  for (const [key, info] of mergeServiceEntries(entries)) {
    const e = info.exposures[0];
    g.node({
      key,
      label: info.exposures.length > 1 ? serviceEntryLabel(info.exposures) : entryLabel(e),
      shape: "entry",
      state: [...info.kinds].every((k) => k === "context") ? "context" : "touched",
    });
    for (const x of info.edges) g.edge(key, x.to, x.kind, x.label, "exposure", 1, x.blocked);
    const source = e.via.internal ? vpc() : internet();
    g.nodes.get(key)!.source = source;
    const before = [...info.kinds].some((k) => k !== "added");
    const after = [...info.kinds].some((k) => k !== "removed");
    const sourcesChanged = ["sources-changed", "now-internal", "now-internet-facing"].some((k) =>
      info.deltas.has(k as ExposureDelta["kind"]),
    );
    const kind: EdgeKind = before && after ? (sourcesChanged ? "changed" : "context") : after ? "added" : "removed";
    const list = (s: Set<string>) => [...s].sort().join(", ") || "nowhere";
    const everywhere = (s: Set<string>) => [...s].every((x) => x === "0.0.0.0/0" || x === "::/0");
    const label =
      kind === "changed" && list(info.sources.base) !== list(info.sources.head)
        ? `from ${list(info.sources.base)} → ${list(info.sources.head)}`
        : everywhere(kind === "removed" ? info.sources.base : info.sources.head)
          ? ""
          : `from ${list(kind === "removed" ? info.sources.base : info.sources.head)}`;
    g.edge(source, key, kind, label, "entry");
    const node = g.nodes.get(key)!;
    if (kind === "added" || kind === "removed") node.state = kind;
  }
  return g;
}

/**
 * The same change with one node per namespace (entry points folded into the arrows from outside);
 * namespaces not in `keep` are folded further into one "other namespaces" node.
 */
function collapsedGraph(detail: Graph, keep: ReadonlySet<string> | null): { graph: Graph; folded: number } {
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
  for (const e of detail.changes()) {
    const to = detail.nodes.get(e.to)!;
    if (to.shape === "entry") continue; // outside -> entry: folded into outside -> namespace
    g.edge(map(e.from), map(e.to), e.kind, e.labels.join(", "), e.unit, e.count, e.blocked);
  }
  return { graph: g, folded: others.length };
}

interface Emitted {
  readonly text: string;
  readonly nodes: number;
  readonly edges: number;
}

const ARROW: Record<EdgeKind, string> = { added: "==>", removed: "-.->", changed: "-->", context: "-->" };
const BLOCKED_ARROW: Record<EdgeKind, string> = { added: "==x", removed: "-.-x", changed: "--x", context: "--x" };
const LINK_STYLE: Record<EdgeKind, string> = {
  added: "stroke:#1a7f37,stroke-width:3px",
  removed: "stroke:#cf222e,stroke-width:2px,stroke-dasharray:6 4",
  changed: "stroke:#bf8700,stroke-width:2px",
  context: "stroke:#afb8c1,stroke-width:1px",
};
const CLASS_DEF: Record<Exclude<NodeState, "touched">, string> = {
  added: "stroke:#1a7f37,stroke-width:3px",
  removed: "stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5",
  context: "fill:#f6f8fa,stroke:#d0d7de,color:#57606a",
};
/** At most this many invisible links hold the legend on the left. */
const LEGEND_ANCHORS = 8;
const LEGEND: Record<EdgeKind, string> = {
  added: "added",
  changed: "changed",
  removed: "removed",
  context: "unchanged",
};

function edgeText(e: GEdge): string {
  if (e.count > 1 && e.labels.length > 1)
    return `${e.count} ${e.unit}${e.count === 1 ? "" : "s"}: ${e.labels.join(", ")}`;
  return e.labels.join(", ");
}

function shape(id: string, n: GNode): string {
  // An empty label does not parse; a name can sanitise down to nothing. Entry points name their
  // address and their object, so they get more room.
  const label = `"${mermaidText(n.label, n.shape === "entry" ? 100 : 60) || "(no name)"}"`;
  switch (n.shape) {
    case "internet":
      return `${id}((${label}))`;
    case "outside":
      return `${id}([${label}])`;
    case "entry":
      return `${id}{{${label}}}`;
    case "group":
      return `${id}[[${label}]]`;
    default:
      return `${id}[${label}]`;
  }
}

function emit(g: Graph, legend: boolean): Emitted {
  const nodes = [...g.nodes.values()];
  const shapeOrder: Record<Shape, number> = { internet: 0, outside: 1, entry: 2, group: 3, workload: 4 };
  nodes.sort(
    (a, b) =>
      shapeOrder[a.shape] - shapeOrder[b.shape] ||
      (a.group ?? "").localeCompare(b.group ?? "") ||
      a.key.localeCompare(b.key),
  );
  const ids = new Map<string, string>();
  const rank = new Map<string, number>();
  nodes.forEach((n, i) => {
    ids.set(n.key, `n${i + 1}`);
    rank.set(n.key, i);
  });
  const lines = ["flowchart LR"];
  const groups = new Map<string, GNode[]>();
  for (const n of nodes) {
    if (n.shape === "workload") {
      const list = groups.get(n.group!);
      if (list) list.push(n);
      else groups.set(n.group!, [n]);
    } else lines.push(`  ${shape(ids.get(n.key)!, n)}`);
  }
  let s = 0;
  for (const [ns, members] of groups) {
    lines.push(`  subgraph s${++s}["${mermaidText(ns ? `namespace ${ns}` : "cluster-scoped")}"]`);
    for (const n of members) lines.push(`    ${shape(ids.get(n.key)!, n)}`);
    lines.push("  end");
  }
  const edges = [...g.edges.values()].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      rank.get(a.from)! - rank.get(b.from)! ||
      rank.get(a.to)! - rank.get(b.to)!,
  );
  const byKind = new Map<EdgeKind, number[]>();
  edges.forEach((e, i) => {
    const label = mermaidText(edgeText(e));
    lines.push(
      `  ${ids.get(e.from)} ${(e.blocked ? BLOCKED_ARROW : ARROW)[e.kind]}${label ? `|"${label}"|` : ""} ${ids.get(e.to)}`,
    );
    const list = byKind.get(e.kind);
    if (list) list.push(i);
    else byKind.set(e.kind, [i]);
  });
  let edgeCount = edges.length;
  const kinds = (Object.keys(KIND_ORDER) as EdgeKind[]).filter((k) => byKind.has(k));
  if (legend && kinds.length) {
    // One short arrow per line, stacked: a chain of arrows would read as a path and make the legend
    // as wide as four ranks of the diagram.
    const box = ++s;
    lines.push(`  subgraph s${box}["Legend"]`, "    direction LR");
    let l = 0;
    const entry = (arrow: string, text: string) => lines.push(`    l${++l}[" "] ${arrow}|"${text}"| l${++l}[" "]`);
    for (const k of kinds) {
      entry(ARROW[k], LEGEND[k]);
      byKind.get(k)!.push(edgeCount++);
    }
    if (edges.some((e) => e.blocked)) {
      entry("--x", "blocked by a policy");
      edgeCount++;
    }
    lines.push("  end");
    // Left of where the arrows start (invisible links to the nodes nothing points at): alone, the
    // legend lands in the first rank with the Internet, and the Internet's arrows cross it.
    // Held by its middle entry, so it stays one compact column.
    const anchor = `l${2 * Math.ceil(l / 4)}`;
    const pointedAt = new Set(edges.map((e) => e.to));
    for (const n of nodes.filter((n) => !pointedAt.has(n.key)).slice(0, LEGEND_ANCHORS)) {
      lines.push(`  ${anchor} ~~~ ${ids.get(n.key)}`);
      edgeCount++;
    }
    // The legend's own boxes are invisible, and the legend is not coloured like a namespace.
    lines.push(
      `  classDef legendBox fill:none,stroke:none`,
      `  class ${Array.from({ length: l }, (_, i) => `l${i + 1}`).join(",")} legendBox`,
    );
    // (A class, not `style s${box}`: a style statement would also make the subgraph id a node.)
    lines.push(`  classDef legendFrame fill:none,stroke:#d0d7de`, `  class s${box} legendFrame`);
  }
  for (const state of ["added", "removed", "context"] as const) {
    const members = nodes.filter((n) => n.state === state).map((n) => ids.get(n.key)!);
    if (members.length) lines.push(`  classDef ${state} ${CLASS_DEF[state]}`, `  class ${members.join(",")} ${state}`);
  }
  for (const k of kinds) lines.push(`  linkStyle ${byKind.get(k)!.join(",")} ${LINK_STYLE[k]}`);
  return { text: lines.join("\n"), nodes: nodes.length, edges: edgeCount };
}

export interface MermaidOptions {
  /** Readability: more nodes than this and the diagram is collapsed by namespace (default 60). */
  readonly maxNodes?: number;
  /** Readability: more edges than this and the diagram is collapsed (default 150; never above 500). */
  readonly maxEdges?: number;
  /** Never more characters than this (default and at most 50,000). */
  readonly maxChars?: number;
  /** `auto` (default): detailed when it fits, else collapsed; `collapsed`: by namespace in any case. */
  readonly mode?: "auto" | "collapsed";
  /** Draw unchanged neighbours in grey (default true). */
  readonly context?: boolean;
  readonly legend?: boolean;
}

export interface Diagram {
  /** The Mermaid source, without the fence. */
  readonly text: string;
  /** True when there is nothing to draw (the text is then a one-node placeholder). */
  readonly empty: boolean;
  readonly collapsed: boolean;
  readonly nodes: number;
  readonly edges: number;
  /** What was simplified or left out, in words for the reader. */
  readonly omitted: readonly string[];
}

/** The diagram and how it was made to fit. */
export function buildDiagram(r: DiffResult, options: MermaidOptions = {}): Diagram {
  const maxNodes = Math.max(8, options.maxNodes ?? 60);
  // The legend's arrows (four kinds and "blocked") and its invisible anchors.
  const legendEdges = options.legend === false ? 0 : 5 + LEGEND_ANCHORS;
  const maxEdges = Math.max(8, Math.min(options.maxEdges ?? 150, MERMAID_MAX_EDGES - legendEdges));
  const maxChars = Math.min(options.maxChars ?? MERMAID_MAX_CHARS, MERMAID_MAX_CHARS);
  const legend = options.legend !== false;
  const fits = (d: Emitted) =>
    d.nodes <= maxNodes &&
    d.edges - (legend ? Math.min(legendEdges, d.edges) : 0) <= maxEdges &&
    d.text.length <= maxChars;

  const detail = detailedGraph(r, options.context !== false);
  if (!detail.changes().length)
    return {
      text: 'flowchart LR\n  n1["No change in exposure or reachability"]',
      empty: true,
      collapsed: false,
      nodes: 1,
      edges: 0,
      omitted: [],
    };

  if (options.mode !== "collapsed") {
    const full = emit(detail, legend);
    if (fits(full)) return { ...full, empty: false, collapsed: false, omitted: [] };
    const bare = detailedGraph(r, false);
    const plain = emit(bare, legend);
    if (fits(plain))
      return {
        ...plain,
        empty: false,
        collapsed: false,
        omitted: ["unchanged neighbours are not drawn, to keep the diagram readable"],
      };
  }

  // By namespace; then the namespaces with the most changes, the rest folded into one node.
  const bare = detailedGraph(r, false);
  const score = new Map<string, number>();
  for (const e of bare.changes())
    for (const key of [e.from, e.to]) {
      const n = bare.nodes.get(key)!;
      if (n.shape === "workload") score.set(n.group!, (score.get(n.group!) ?? 0) + 1);
    }
  const ranked = [...score.keys()].sort((a, b) => score.get(b)! - score.get(a)! || a.localeCompare(b));
  const workloads = [...bare.nodes.values()].filter((n) => n.shape === "workload").length;
  const entries = [...bare.nodes.values()].filter((n) => n.shape === "entry").length;
  const said = [
    `collapsed by namespace: ${workloads} workload${workloads === 1 ? "" : "s"} in ${ranked.length} namespace${ranked.length === 1 ? "" : "s"} are drawn as one node per namespace${entries ? `, and ${entries} entry point${entries === 1 ? "" : "s"} are folded into the arrows from outside` : ""}; the tables list every change`,
  ];
  let { graph, folded } = collapsedGraph(bare, null);
  let out = emit(graph, legend);
  for (let k = Math.min(ranked.length, maxNodes - 5); !fits(out) && k >= 0; k--) {
    ({ graph, folded } = collapsedGraph(bare, new Set(ranked.slice(0, k))));
    out = emit(graph, legend);
  }
  if (folded)
    said.push(
      `${folded} namespace${folded === 1 ? "" : "s"} with fewer changes are drawn together as "${folded} other namespaces"`,
    );
  return { ...out, empty: false, collapsed: true, omitted: said };
}

/** Just the diagram text, for `reachdiff diff --format mermaid`. */
export function renderMermaid(r: DiffResult, options: MermaidOptions = {}): string {
  return buildDiagram(r, options).text;
}
