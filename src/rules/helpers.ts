// Small shared reads for rules: the words for entry points and peers come from report/names.ts, the one
// vocabulary of every output.
import type { ConnectionChange } from "../analysis/diff.js";
import type { Exposure } from "../analysis/exposure/index.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import { matches } from "../core/label-selector.js";
import type { NetworkPolicy } from "../model/types.js";
import { entryKey, entryLabel, peer } from "../report/names.js";
import type { RuleContext } from "./rule.js";

/** An entry point as a finding names it: `LoadBalancer :443 of shop/Service/web`. */
export const entryName = (e: Exposure): string => entryLabel(e);

/** A side of a connection change: the workload id, or `outside <blocks>`. */
export const peerName = (c: ConnectionChange, side: "from" | "to"): string => peer(c, side);

/** What tells exposures of one workload and object apart in a finding's identity. */
export function exposureIdentity(e: Exposure): string[] {
  return [entryKey(e), `${e.protocol}/${e.port}`];
}

export function gained(c: ConnectionChange) {
  return c.head.subtract(c.base);
}

/** Where a connection change comes from: its first changed policy, else its first changed object. */
export function causeAt(c: { readonly causes: readonly ObjectChange[] }): { file?: string; line?: number } {
  const cause = c.causes.find((o) => o.kind.endsWith("NetworkPolicy")) ?? c.causes[0];
  return cause ? { file: cause.file, line: cause.line } : {};
}

/**
 * The changed policy behind a connection change that selects `workload` and has a rule in `direction`
 * without peers (no `from` / `to`: every address), if there is one: its fix is naming peers, not
 * narrowing an ipBlock it does not have.
 */
export function openRulePolicy(
  ctx: RuleContext,
  c: { readonly causes: readonly ObjectChange[] },
  direction: "ingress" | "egress",
  workload: string,
): NetworkPolicy | undefined {
  const w = ctx.head.cluster.workloads.find((x) => x.id === workload);
  if (!w) return undefined;
  const changed = new Set(
    c.causes.filter((o) => o.kind === "NetworkPolicy" && o.change !== "removed").map((o) => o.id),
  );
  return ctx.head.cluster.networkPolicies.find(
    (p) =>
      changed.has(p.id) &&
      p.namespace === w.namespace &&
      p.policyTypes[direction] &&
      matches(p.podSelector, w.labels) &&
      p[direction].some((r) => r.peers === null),
  );
}
