// Lost flows that a policy rule naming both peers allowed: a call path someone wrote down, so cutting
// it is likelier to break something than losing a flow an open namespace allowed by default.
import { blockedTargets } from "../analysis/declared-flows.js";
import type { ConnectionChange } from "../analysis/diff.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import type { ConnSet } from "../core/port-set.js";
import { oneSidedCut } from "./flow-blocked-one-sided.js";
import type { RuleContext } from "./rule.js";

export interface UsedFlowLost {
  readonly change: ConnectionChange & { readonly causes: readonly ObjectChange[] };
  /** The lost ports a peer-naming rule allowed in the base. */
  readonly lost: ConnSet;
}

const memo = new WeakMap<RuleContext, UsedFlowLost[]>();

/**
 * Connections between workloads that lose ports a rule naming the peers allowed in the base, except
 * those said more precisely elsewhere: a published entry point newly blocked (its proxy's flow), a
 * one-sided cut, a declared dependency blocked.
 */
export function usedFlowsLost(ctx: RuleContext): UsedFlowLost[] {
  const known = memo.get(ctx);
  if (known) return known;
  const blockedEntries = new Set(
    ctx.exposures
      .filter((x) => x.base?.blockedBy === null && x.head && x.head.blockedBy !== null)
      .map((x) => x.head!.workload),
  );
  const declared = new Set(
    ctx.head.cluster.dependencies.flatMap((d) =>
      blockedTargets(d, ctx.base.allows, ctx.head.allows).map((t) => `${d.from}\u0000${t.workload}`),
    ),
  );
  const out: UsedFlowLost[] = [];
  for (const c of ctx.connections) {
    const lost = c.base.subtract(c.head);
    if (c.change === "added" || lost.isEmpty() || c.from === "ip:" || c.to === "ip:" || c.from === c.to) continue;
    if (blockedEntries.has(c.to) || declared.has(`${c.from}\u0000${c.to}`) || oneSidedCut(ctx, c)) continue;
    const sides = ctx.base.sides?.(c.from, c.to);
    const named = sides ? lost.intersect(sides.egressNamed.union(sides.ingressNamed)) : undefined;
    if (named && !named.isEmpty()) out.push({ change: c, lost: named });
  }
  memo.set(ctx, out);
  return out;
}
