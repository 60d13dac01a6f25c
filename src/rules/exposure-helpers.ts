// Which exposures a pull request newly opens to the public, and how far: calibrated by the sources
// (the internet, or restricted public ranges) and, for entries on the nodes, by exposure.nodes.
import { isExposed } from "../analysis/exposure-diff.js";
import type { Exposure } from "../analysis/exposure/index.js";
import { intervalToCidrs, parseCidr } from "../core/ip.js";
import type { Hit, MessageValue, RuleContext } from "./rule.js";
import { entryName, exposureIdentity } from "./helpers.js";

/** How far an exposure reaches from outside the cluster's networks. */
export type PublicReach =
  /** Public ranges narrower than exposure.internet-min-prefix (an office, a partner). */
  | { readonly kind: "ranges"; readonly ranges: readonly string[] }
  /** Whoever can reach a node: the internet only if the nodes have public addresses (exposure.nodes unknown). */
  | { readonly kind: "nodes" }
  | { readonly kind: "internet" };

const RANK = { ranges: 1, nodes: 2, internet: 3 } as const;
const rank = (r: PublicReach | null) => (r ? RANK[r.kind] : 0);

/** Entry points that listen on the nodes' own addresses. */
const ON_NODES: ReadonlySet<string> = new Set(["NodePort", "HostPort", "HostNetwork"]);

function publicReach(ctx: RuleContext, e: Exposure): PublicReach | null {
  // Internal entries, and exports to the clusterset (its other clusters, not the internet).
  if (e.via.internal || e.via.kind === "ServiceExport") return null;
  const onNodes = ON_NODES.has(e.via.kind);
  const nodes = ctx.config.exposure.nodes;
  if (onNodes && nodes === "private") return null;
  const sources = e.sources.flatMap((s) => {
    try {
      return [parseCidr(s.includes("/") ? s : `${s}/${s.includes(":") ? 128 : 32}`)];
    } catch {
      return [];
    }
  });
  if (ctx.isInternet(sources)) return onNodes && nodes === "unknown" ? { kind: "nodes" } : { kind: "internet" };
  const ranges = ctx.publicAddresses(sources).flatMap(intervalToCidrs);
  return ranges.length ? { kind: "ranges", ranges } : null;
}

/** Exposures that reach further from outside in head than in base (absent, blocked, internal or narrower). */
export function newlyExposed(ctx: RuleContext): { e: Exposure; reach: PublicReach }[] {
  const out: { e: Exposure; reach: PublicReach }[] = [];
  for (const c of ctx.exposures) {
    if (!c.head || !isExposed(c.head)) continue;
    const reach = publicReach(ctx, c.head);
    if (!reach) continue;
    const before = c.base && isExposed(c.base) ? publicReach(ctx, c.base) : null;
    if (rank(reach) > rank(before)) out.push({ e: c.head, reach });
  }
  return out;
}

/** The message templates of a new exposure, one per reach. */
export const EXPOSED_MESSAGES = {
  exposed: "{{workload}} becomes reachable from the internet on {{port}} via {{entry}}",
  exposedRanges: "{{workload}} becomes reachable from the public ranges {{ranges}} on {{port}} via {{entry}}",
  exposedIfPublicNodes:
    "{{workload}} becomes reachable on {{port}} via {{entry}}, from the internet if your nodes have public addresses",
} as const;

/** A finding of a new exposure: worded by its reach; restricted ranges and conditions weigh at most high. */
export function exposedHit(x: { e: Exposure; reach: PublicReach }): Hit {
  const { e, reach } = x;
  const data: Record<string, MessageValue> = {
    workload: e.workload,
    port: `${e.protocol} ${e.port}`,
    entry: entryName(e),
  };
  const common = { objects: [e.workload, e.via.ref], key: exposureIdentity(e), file: e.file, line: e.line };
  switch (reach.kind) {
    case "internet":
      return { messageId: "exposed", data, ...common };
    case "ranges":
      return { messageId: "exposedRanges", data: { ...data, ranges: reach.ranges }, severityCap: "high", ...common };
    case "nodes":
      return { messageId: "exposedIfPublicNodes", data, severityCap: "high", ...common };
  }
}
