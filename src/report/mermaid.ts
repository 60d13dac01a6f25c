// The change as a Mermaid flowchart sized for a pull-request comment (~750 px wide): the graph of
// what changed (diagram/graph.ts, with the unchanged context the analysis chose), made small enough
// to read (diagram/collapse.ts), written as Mermaid (diagram/syntax.ts), and its legend as one line
// of words for under the diagram. Only what the change touches is drawn.
//
// Size: GitHub renders at most 50,000 characters and 500 edges; past a readable size the diagram
// drops its context, then draws one node per namespace, and says so.
//
// Renames (analysis/renames.ts): a renamed workload is one node under its new name, its old name a second
// line ("was ledger"), with only what the rename also changed drawn (DiffResult.renames.connections); the
// caption names renames only when a node is one. A rename that changes nothing else is not drawn at all, a
// sentence under the diagram counts them by namespace: nodes without arrows would fill the rows of a
// reachability diagram (a release renaming a namespace's ten workloads) and say less than the tables.
import type { DiffResult } from "../rules/judge.js";
import { budgetWorkloads, collapsedGraph, foldIntoBands, mergeSiblings, summariseEgress } from "./diagram/collapse.js";
import { detailedGraph, type Graph } from "./diagram/graph.js";
import { caption, type Emitted, emit } from "./diagram/syntax.js";
import { diagramViews } from "./environments.js";
import { splitId } from "./names.js";

/** More arrows than this out to outside addresses are said in words. */
const MAX_EGRESS = 3;

/** GitHub's (Mermaid's default) limits. */
export const MERMAID_MAX_CHARS = 50_000;
export const MERMAID_MAX_EDGES = 500;

export interface MermaidOptions {
  /** Readability: more nodes than this and the diagram is simplified (default 24). */
  readonly maxNodes?: number;
  /**
   * Readability: at most this many workload nodes (default 9); the rest of each namespace become one
   * node (a top-down layout is as wide as its widest row).
   */
  readonly maxWorkloads?: number;
  /** Readability: more edges than this and the diagram is simplified (default 24; never above 500). */
  readonly maxEdges?: number;
  /** Never more characters than this (default and at most 50,000). */
  readonly maxChars?: number;
  /** `auto` (default): detailed when it fits, else collapsed; `collapsed`: by namespace in any case. */
  readonly mode?: "auto" | "collapsed";
  /** Draw the unchanged neighbours that explain the change, thin and faded (default true). */
  readonly context?: boolean;
}

export interface Diagram {
  /** The Mermaid source, without the fence. */
  readonly text: string;
  /** True when there is nothing to draw (the text is then a one-node placeholder). */
  readonly empty: boolean;
  readonly collapsed: boolean;
  readonly nodes: number;
  readonly edges: number;
  /** The drawn edges in link order, by generated node id, with their change and risk. */
  readonly links: Emitted["links"];
  /** The legend: one line of words for under the diagram. */
  readonly caption: string;
  /** What was simplified or left out, in words for the reader. */
  readonly omitted: readonly string[];
}

/** The diagram and how it was made to fit. */
export function buildDiagram(r: DiffResult, options: MermaidOptions = {}): Diagram {
  const maxNodes = Math.max(8, options.maxNodes ?? 24);
  const maxWorkloads = Math.max(1, options.maxWorkloads ?? 9);
  const maxEdges = Math.max(8, Math.min(options.maxEdges ?? 24, MERMAID_MAX_EDGES));
  const maxChars = Math.min(options.maxChars ?? MERMAID_MAX_CHARS, MERMAID_MAX_CHARS);
  const fits = (d: Emitted) => d.nodes <= maxNodes && d.edges <= maxEdges && d.text.length <= maxChars;
  const done = (d: Emitted, collapsed: boolean, omitted: string[]): Diagram => ({
    ...d,
    empty: false,
    collapsed,
    caption: caption(d.links, /(?:==x|--x|-\.-x)/.test(d.text), d.renamed),
    omitted: unchanged ? [...omitted, unchanged] : omitted,
  });

  const bare = detailedGraph(r, false);
  const unchanged = renamedAlike(r, bare);
  if (!bare.changes().length)
    return {
      text: 'flowchart TB\n  n1["No change in exposure or reachability"]',
      empty: true,
      collapsed: false,
      nodes: 1,
      edges: 0,
      links: [],
      caption: "",
      omitted: [],
    };

  if (options.mode !== "collapsed") {
    const simplify = (detail: Graph): { out: Emitted; said: string[] } => {
      const egress = summariseEgress(detail, MAX_EGRESS);
      const { graph, folded } = budgetWorkloads(mergeSiblings(egress.graph), maxWorkloads);
      const said = egress.said ? [egress.said] : [];
      if (folded)
        said.push(
          `shows the workloads with the riskiest changes; ${folded} other workload${folded === 1 ? " is" : "s are"} drawn as "more workloads" in ${folded === 1 ? "its" : "their"} namespace (the tables list every change)`,
        );
      return { out: emit(foldIntoBands(graph)), said };
    };
    const full = simplify(options.context === false ? bare : detailedGraph(r, true));
    if (fits(full.out)) return done(full.out, false, full.said);
    const plain = simplify(bare);
    if (fits(plain.out))
      return done(plain.out, false, ["does not draw unchanged neighbours, to stay readable", ...plain.said]);
  }

  // By namespace; then the namespaces with the most changes, the rest folded into one node.
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
  let out = emit(graph);
  for (let k = Math.min(ranked.length, maxNodes - 5); !fits(out) && k >= 0; k--) {
    ({ graph, folded } = collapsedGraph(bare, new Set(ranked.slice(0, k))));
    out = emit(graph);
  }
  if (folded)
    said.push(
      `${folded} namespace${folded === 1 ? "" : "s"} with fewer changes are drawn together as "${folded} other namespaces"`,
    );
  return done(out, true, said);
}

/**
 * The renamed workloads the diagram leaves out, in words: those whose connections and entry points are all
 * the same under the new name have no change to draw (a release renaming a namespace's workloads would
 * otherwise fill the diagram with nodes and no arrow). Null when every rename has a change drawn.
 */
function renamedAlike(r: DiffResult, bare: Graph): string | null {
  const alike = (r.renames?.list ?? []).filter((x) => !bare.nodes.has(`w:${x.to}`));
  if (!alike.length) return null;
  const namespaces = [...new Set(alike.map((x) => splitId(x.to).namespace ?? ""))].sort();
  const where = namespaces.every(Boolean) ? ` in ${namespaces.join(", ")}` : "";
  const n = alike.length;
  return `does not draw the ${n === 1 ? "workload" : `${n} workloads`} renamed${where}: ${n === 1 ? "its" : "their"} connections are the same under the new name${n === 1 ? "" : "s"} (the tables list ${n === 1 ? "it" : "them"})`;
}

/**
 * Just the diagram text, for `reachdiff diff --format mermaid`. A review over several environments is
 * never drawn as one cluster: the first environment that changes is drawn, and a Mermaid comment names
 * it and the others (the comment and the text report have each).
 */
export function renderMermaid(r: DiffResult, options: MermaidOptions = {}): string {
  if (!r.environments) return buildDiagram(r, options).text;
  const views = diagramViews(r);
  if (!views.length) return buildDiagram(r, options).text;
  const [first, ...rest] = views;
  const others = rest.length ? `; also changed, not drawn: ${rest.map((v) => v.environment).join(", ")}` : "";
  const [kind, ...body] = buildDiagram(first.result, options).text.split("\n");
  return [kind, `  %% environment ${first.environment}${others}`, ...body].join("\n");
}
