// A graph as Mermaid flowchart text, top-down (a comment is ~750 px wide and as tall as it needs),
// one band per namespace. Colour says risk (the worst finding on the edge: critical/high red, medium
// amber, low, info or none grey); the line says the change (added thick, removed dashed, changed
// plain, unchanged context thin and faded). Fixed colours through linkStyle and classDef, chosen to
// read on GitHub's light (#ffffff) and dark (#0d1117) backgrounds alike: each at least 3:1 on both;
// context edges are faded (opacity), so they are weaker than changes on either. A renamed workload's
// old name is a second line of its label ("was ledger"): narrower than one line, legible at 11 px.
//
// Safety: node and subgraph ids are generated (n1, s1, ...), never taken from a manifest; every
// label is double-quoted and entity-encoded (escape.ts); no click, no %%{init}%%, no HTML, no links.
import { mermaidText } from "../escape.js";
import { bandKey } from "./collapse.js";
import type { EdgeKind, GEdge, GNode, Graph, NodeState, Risk, Shape } from "./graph.js";

export interface Emitted {
  readonly text: string;
  readonly nodes: number;
  readonly edges: number;
  /** Whether a node is a renamed workload (its label says what it was called). */
  readonly renamed: boolean;
  /** Each drawn edge in link order (the order linkStyle counts), by generated node id. */
  readonly links: readonly {
    readonly from: string;
    readonly to: string;
    readonly kind: EdgeKind;
    readonly risk: Risk;
  }[];
}

const KIND_ORDER: Record<EdgeKind, number> = { added: 0, changed: 1, removed: 2, context: 3 };
const ARROW: Record<EdgeKind, string> = { added: "==>", removed: "-.->", changed: "-->", context: "-->" };
const BLOCKED_ARROW: Record<EdgeKind, string> = { added: "==x", removed: "-.-x", changed: "--x", context: "--x" };

const RISK_COLOUR: Record<Risk, string> = { high: "#e5534b", medium: "#c69026", low: "#8c959f" };
const LINE: Record<EdgeKind, string> = {
  added: "stroke-width:4px",
  changed: "stroke-width:2.5px",
  removed: "stroke-width:2.5px,stroke-dasharray:7 5",
  context: "stroke-width:1px,stroke-opacity:0.5",
};
const CLASS_DEF: Record<Exclude<NodeState, "touched">, string> = {
  added: "stroke-width:3px",
  removed: "stroke-width:2px,stroke-dasharray:5 5",
  context: "opacity:0.7",
};

/** An edge's label: its ports, or for several merged edges how many (and their ports when few). */
function edgeText(e: GEdge): string {
  if (e.count > 1 && e.labels.length !== 1)
    return `${e.count} ${e.unit}s${e.labels.length === 2 ? `: ${e.labels.join(", ")}` : ""}`;
  return e.labels.join(", ");
}

function shape(id: string, n: GNode): string {
  // An empty label does not parse; a name can sanitise down to nothing. A renamed workload's old name is
  // a second line (a line break inside the quotes), as narrow as the name above it.
  const name = mermaidText(n.label, n.shape === "entry" ? 80 : 60) || "(no name)";
  const label = `"${n.was === undefined ? name : `${name}\n${mermaidText(`was ${n.was}`, 40)}`}"`;
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

export function emit(g: Graph): Emitted {
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
  const lines = ["flowchart TB"];
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
    // A namespace's band is an edge end too (collapse.ts folds arrows into it).
    ids.set(bandKey(ns), `s${++s}`);
    rank.set(bandKey(ns), nodes.length + s);
    lines.push(`  subgraph s${s}["${mermaidText(ns ? `namespace ${ns}` : "cluster-scoped")}"]`);
    for (const n of members) lines.push(`    ${shape(ids.get(n.key)!, n)}`);
    lines.push("  end");
  }
  // In the order of their sources (outside first), as a reader follows them: the layout keeps
  // that order, and arrows out of one node drawn side by side cross less.
  const edges = [...g.edges.values()].sort(
    (a, b) =>
      rank.get(a.from)! - rank.get(b.from)! ||
      rank.get(a.to)! - rank.get(b.to)! ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind],
  );
  const styles = new Map<string, number[]>();
  const links = edges.map((e, i) => {
    const label = mermaidText(edgeText(e));
    lines.push(
      `  ${ids.get(e.from)} ${(e.blocked ? BLOCKED_ARROW : ARROW)[e.kind]}${label ? `|"${label}"|` : ""} ${ids.get(e.to)}`,
    );
    const style = `stroke:${RISK_COLOUR[e.kind === "context" ? "low" : e.risk]},${LINE[e.kind]}`;
    const list = styles.get(style);
    if (list) list.push(i);
    else styles.set(style, [i]);
    return { from: ids.get(e.from)!, to: ids.get(e.to)!, kind: e.kind, risk: e.risk };
  });
  for (const state of ["added", "removed", "context"] as const) {
    const members = nodes.filter((n) => n.state === state).map((n) => ids.get(n.key)!);
    if (members.length) lines.push(`  classDef ${state} ${CLASS_DEF[state]}`, `  class ${members.join(",")} ${state}`);
  }
  for (const [style, list] of styles) lines.push(`  linkStyle ${list.join(",")} ${style}`);
  return {
    text: lines.join("\n"),
    nodes: nodes.length,
    edges: edges.length,
    renamed: nodes.some((n) => n.was !== undefined),
    links,
  };
}

/** The legend as one line of words, naming only what the diagram uses. */
export function caption(links: Emitted["links"], blocked: boolean, renamed = false): string {
  const risks = new Set(links.filter((l) => l.kind !== "context").map((l) => l.risk));
  const kinds = new Set(links.map((l) => l.kind));
  const parts: string[] = [];
  if (risks.has("high")) parts.push("red: critical or high risk");
  if (risks.has("medium")) parts.push("amber: medium");
  if (risks.has("low")) parts.push("grey: low or none");
  if (kinds.has("added")) parts.push("thick: added");
  if (kinds.has("removed")) parts.push("dashed: removed");
  if (kinds.has("changed")) parts.push("plain: changed");
  if (kinds.has("context")) parts.push("thin and faded: unchanged, for context");
  if (blocked) parts.push("×: blocked by a policy");
  if (renamed) parts.push("“was …”: renamed, drawn once under its new name");
  return parts.length ? `${parts.join(" · ")}.` : "";
}
