// Small shared reads for rules: the words for entry points and peers come from report/names.ts, the one
// vocabulary of every output.
import type { ConnectionChange } from "../analysis/diff.js";
import type { Exposure } from "../analysis/exposure/index.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import { entryKey, entryLabel, peer } from "../report/names.js";

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
