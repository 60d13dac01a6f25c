// The unchanged part of a snapshot that explains a change: what a newly reached workload can reach
// further among the workloads the change touches (the next hop of a new path), and how the client
// of a new flow is itself reached from outside. A diagram draws it thin and grey; it is asked here,
// pair by pair and within a budget, so that drawing computes nothing (the full connectivity of a
// large cluster is quadratic in its classes: 63-78 s at 10,000 workloads).
import type { ConnSet } from "../core/port-set.js";
import type { ConnectionChange } from "./diff.js";
import { type ExposureChange, exposureKey } from "./exposure-diff.js";
import type { Exposure } from "./exposure/index.js";
import type { Connectivity } from "./reach.js";

export interface ContextConnection {
  readonly from: string;
  readonly to: string;
  readonly conns: ConnSet;
}

export interface DiagramContext {
  /** Unchanged head exposures of workloads that open a new or changed flow. */
  readonly exposures: readonly Exposure[];
  /** Unchanged head connections from a newly reached workload to another workload the change touches. */
  readonly connections: readonly ContextConnection[];
}

export interface ContextBudget {
  /** At most this many context connections. */
  readonly edges: number;
  /** At most this many pairs asked of the connectivity. */
  readonly pairs: number;
  /** At most this many context exposures. */
  readonly exposures: number;
}

const CONTEXT_BUDGET: ContextBudget = { edges: 12, pairs: 2_500, exposures: 6 };

export function diagramContext(
  changes: { readonly connections: readonly ConnectionChange[]; readonly exposures: readonly ExposureChange[] },
  head: { readonly connectivity: Connectivity; readonly exposures: readonly Exposure[] },
  budget: ContextBudget = CONTEXT_BUDGET,
): DiagramContext {
  const touched = new Set<string>();
  const reached = new Set<string>();
  const clients = new Set<string>();
  const changedPairs = new Set<string>();
  for (const c of changes.connections) {
    changedPairs.add(`${c.from}\u0000${c.to}`);
    if (c.from !== "ip:") touched.add(c.from);
    if (c.to !== "ip:") touched.add(c.to);
    if (c.change === "removed") continue;
    if (c.to !== "ip:") reached.add(c.to);
    if (c.from !== "ip:") clients.add(c.from);
  }
  for (const x of changes.exposures) {
    const e = (x.head ?? x.base)!;
    touched.add(e.workload);
    if (x.change !== "removed") reached.add(e.workload);
  }

  const changedExposures = new Set(changes.exposures.map((x) => exposureKey((x.head ?? x.base)!)));
  const exposures = head.exposures
    .filter((e) => clients.has(e.workload) && !changedExposures.has(exposureKey(e)))
    .slice(0, budget.exposures);

  const connections: ContextConnection[] = [];
  const targets = [...touched].sort();
  let pairs = budget.pairs;
  search: for (const from of [...reached].sort())
    for (const to of targets) {
      if (connections.length >= budget.edges || pairs-- <= 0) break search;
      if (from === to || changedPairs.has(`${from}\u0000${to}`)) continue;
      const conns = head.connectivity.between(from, to);
      if (!conns.isEmpty()) connections.push({ from, to, conns });
    }
  return { exposures, connections };
}
