// The change as a graph to draw: outside sources, entry points (the load balancer, node ports and
// external IPs of one Service that change alike are one), and workloads grouped by namespace. Each
// edge carries its change (added, removed, changed, or unchanged context from the analysis) and its
// risk: the worst finding that names both its ends. Labels are short (the tables carry full ids).
import type { DiffResult } from "../../rules/judge.js";
import type { ChangeKind } from "../../analysis/diff.js";
import { renameExposures } from "../../analysis/renames.js";
import type { ExposureDelta } from "../../analysis/exposure-diff.js";
import type { Exposure } from "../../analysis/exposure/index.js";
import type { Severity } from "../../config/schema.js";
import { connsLabel, describeDelta, entryKey, isEverywhere, peer, portLabel, splitId } from "../names.js";
import { type EntryInfo, entryNodeLabel, mergeServiceEntries } from "./entries.js";

export type EdgeKind = ChangeKind | "context";
export type Shape = "workload" | "entry" | "outside" | "internet" | "group";
export type NodeState = "added" | "removed" | "touched" | "context";
/** How an edge is coloured: critical/high, medium, or low/info/no finding. */
export type Risk = "high" | "medium" | "low";

export interface GNode {
  readonly key: string;
  label: string;
  readonly shape: Shape;
  /** Namespace band of a workload. */
  readonly group?: string;
  state: NodeState;
  /** For entry points: the key of the outside node their clients come from. */
  source?: string;
  /** How many workloads the node stands for (merged siblings, folded ones), when more than one. */
  members?: number;
  /** A renamed workload (drawn once, under its new name): its old name(s), said as a second line. */
  was?: string;
}

export interface GEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly labels: string[];
  count: number;
  readonly unit: string;
  /** A NetworkPolicy stops it: drawn with a cross for an arrowhead. */
  readonly blocked: boolean;
  risk: Risk;
}

const STATE_RANK: Record<NodeState, number> = { added: 0, removed: 0, touched: 1, context: 2 };
const RISK_RANK: Record<Risk, number> = { high: 0, medium: 1, low: 2 };

export const worse = (a: Risk, b: Risk): Risk => (RISK_RANK[a] <= RISK_RANK[b] ? a : b);

export class Graph {
  readonly nodes = new Map<string, GNode>();
  readonly edges = new Map<string, GEdge>();

  node(n: GNode): string {
    const old = this.nodes.get(n.key);
    if (!old) this.nodes.set(n.key, n);
    else if (STATE_RANK[n.state] < STATE_RANK[old.state]) old.state = n.state;
    return n.key;
  }

  edge(
    from: string,
    to: string,
    kind: EdgeKind,
    label: string,
    unit: string,
    options: { count?: number; blocked?: boolean; risk?: Risk } = {},
  ): void {
    const blocked = options.blocked ?? false;
    const risk = kind === "context" ? "low" : (options.risk ?? "low");
    const key = `${from}\u0000${to}\u0000${kind}\u0000${blocked}`;
    const old = this.edges.get(key);
    if (!old)
      this.edges.set(key, {
        from,
        to,
        kind,
        labels: label ? [label] : [],
        count: options.count ?? 1,
        unit,
        blocked,
        risk,
      });
    else {
      old.count += options.count ?? 1;
      old.risk = worse(old.risk, risk);
      if (label && !old.labels.includes(label) && old.labels.length < 8) old.labels.push(label);
    }
  }

  /** Non-context edges. */
  changes(): GEdge[] {
    return [...this.edges.values()].filter((e) => e.kind !== "context");
  }
}

const INTERNET = "o:internet";
/** Keys of outside nodes that workloads reach out to. */
export const EGRESS_PREFIX = "o:egress:";
const EGRESS_INTERNET = `${EGRESS_PREFIX}internet`;
const VPC = "o:vpc";

/** The worst finding naming every one of `objects`, as a colour. */
function riskFinder(r: DiffResult): (objects: readonly string[], only?: boolean) => Risk {
  const bySeverity = (s: Severity): Risk =>
    s === "critical" || s === "high" ? "high" : s === "medium" ? "medium" : "low";
  const workloads = new Set(
    [...r.connections.flatMap((c) => [c.from, c.to]), ...r.exposures.map((x) => (x.head ?? x.base)!.workload)].filter(
      (id) => id !== "ip:",
    ),
  );
  // A finding about a flow between two workloads is not about either one's traffic with the outside.
  return (objects, only = false) => {
    let risk: Risk = "low";
    for (const f of r.findings)
      if (
        objects.every((o) => f.objects.includes(o)) &&
        (!only || f.objects.every((o) => objects.includes(o) || !workloads.has(o)))
      )
        risk = worse(risk, bySeverity(f.severity));
    return risk;
  };
}

/** Everything the change touches, entry point by entry point and workload by workload. */
export function detailedGraph(r: DiffResult, context: boolean): Graph {
  const g = new Graph();
  const riskOf = riskFinder(r);
  const added = new Set(r.workloads.added);
  const removed = new Set(r.workloads.removed);
  // A renamed workload is one node under its new name; its connections that are the same under that
  // name are not changes (r.renames.connections leaves them out), what the rename also changed is drawn.
  const renamed = new Map((r.renames?.list ?? []).map((x) => [`${x.environment ?? ""}|${x.from}`, x]));
  for (const x of r.renames?.list ?? []) renamed.set(`${x.environment ?? ""}|${x.to}`, x);
  const connections = r.renames?.connections ?? r.connections;
  const exposures = renameExposures(r.exposures, r.renames?.list ?? []);
  const current = (id: string, environment?: string) => renamed.get(`${environment ?? ""}|${id}`)?.to ?? id;
  // A workload is named by its name alone unless two workloads of one namespace share it.
  const seen = new Map<string, number>();
  const ids = [
    ...connections.flatMap((c) => [current(c.from, c.environment), current(c.to, c.environment)]),
    ...exposures.map((x) => current((x.head ?? x.base)!.workload, x.environment)),
    ...(context ? r.context.connections.flatMap((c) => [c.from, c.to]) : []),
  ].filter((id) => id !== "ip:");
  for (const id of new Set(ids)) {
    const p = splitId(id);
    const key = `${p.namespace}\u0000${p.name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const workload = (raw: string, state: NodeState, environment?: string) => {
    const rename = renamed.get(`${environment ?? ""}|${raw}`);
    const id = rename?.to ?? raw;
    const p = splitId(id);
    const clash = (seen.get(`${p.namespace}\u0000${p.name}`) ?? 0) > 1;
    return g.node({
      key: `w:${id}`,
      label: clash && p.kind ? `${p.kind}/${p.name}` : p.name,
      shape: "workload",
      group: p.namespace ?? "",
      state: rename ? state : added.has(id) ? "added" : removed.has(id) ? "removed" : state,
      ...(rename ? { was: splitId(rename.from).name } : {}),
    });
  };
  // Outside addresses a change lets reach in are drawn above the cluster, those it lets pods reach
  // below it (their own nodes): one node for both would pull the layout into a loop.
  const internet = (egress = false) =>
    g.node({ key: egress ? EGRESS_INTERNET : INTERNET, label: "Internet", shape: "internet", state: "touched" });
  const vpc = () => g.node({ key: VPC, label: "internal network", shape: "internet", state: "touched" });

  for (const c of connections) {
    const end = (side: "from" | "to") =>
      c[side] !== "ip:"
        ? workload(c[side], "touched", c.environment)
        : isEverywhere(c)
          ? internet(side === "to")
          : g.node({
              key: `${side === "to" ? EGRESS_PREFIX : "o:"}${peer(c, side)}`,
              label: peer(c, side),
              shape: "outside",
              state: "touched",
            });
    const label =
      c.change === "added"
        ? connsLabel(c.head)
        : c.change === "removed"
          ? connsLabel(c.base)
          : `${connsLabel(c.base)} → ${connsLabel(c.head)}`;
    const named = [c.from, c.to].filter((x) => x !== "ip:");
    g.edge(end("from"), end("to"), c.change, label, "connection", { risk: riskOf(named, named.length === 1) });
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
    environment?: string,
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
    const blockedBy = kind === "removed" ? base?.blockedBy : (head ?? e).blockedBy;
    // What blocks it is said once, by the policy's name, below.
    const said = deltas.filter((d) => d.kind !== "now-blocked" && d.kind !== "no-longer-blocked").map(describeDelta);
    const parts = [portLabel(e.protocol, e.port), ...said];
    if (blockedBy) parts.push(`blocked by ${splitId(blockedBy).name}`);
    info.edges.push({
      to: workload(e.workload, kind === "context" ? "context" : "touched", environment),
      kind,
      label: parts.join(": "),
      blocked: !!blockedBy,
      risk: riskOf([e.via.ref, e.workload]),
    });
  };
  for (const x of exposures) addExposure((x.head ?? x.base)!, x.change, x.deltas, x.base, x.head, x.environment);

  if (context) {
    for (const e of r.context.exposures) addExposure(e, "context", [], e, e);
    for (const c of r.context.connections)
      g.edge(workload(c.from, "context"), workload(c.to, "context"), "context", connsLabel(c.conns), "connection");
  }

  for (const [key, info] of mergeServiceEntries(entries)) {
    const e = info.exposures[0];
    g.node({
      key,
      label: entryNodeLabel(info.exposures),
      shape: "entry",
      state: [...info.kinds].every((k) => k === "context") ? "context" : "touched",
    });
    for (const x of info.edges) g.edge(key, x.to, x.kind, x.label, "exposure", { blocked: x.blocked, risk: x.risk });
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
    const refs = [...new Set(info.exposures.map((x) => x.via.ref))];
    g.edge(source, key, kind, label, "entry", {
      risk: refs.map((ref) => riskOf([ref])).reduce(worse, "low"),
    });
    const node = g.nodes.get(key)!;
    if (kind === "added" || kind === "removed") node.state = kind;
  }
  return g;
}
