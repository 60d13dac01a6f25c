// Entry points as diagram nodes: the ways into one Service that change alike are one node, named
// by the Service and its kinds of entry (`db-external: LoadBalancer :5432 + NodePort`).
import type { ExposureDelta } from "../../analysis/exposure-diff.js";
import type { Exposure } from "../../analysis/exposure/index.js";
import { entryAddress, splitId } from "../names.js";
import type { EdgeKind, Risk } from "./graph.js";

const SERVICE_ENTRY_ORDER: Record<string, number> = { LoadBalancer: 0, NodePort: 1, ExternalIP: 2 };

export interface EntryInfo {
  readonly exposures: Exposure[];
  readonly kinds: Set<EdgeKind>;
  readonly deltas: Set<ExposureDelta["kind"]>;
  readonly sources: { readonly base: Set<string>; readonly head: Set<string> };
  /** Entry -> workload, one per exposure. */
  readonly edges: { to: string; kind: EdgeKind; label: string; blocked: boolean; risk: Risk }[];
}

/**
 * The ways into one Service (its load balancer, node ports, external IPs) that change alike, reached
 * from the same side, as one entry node: a LoadBalancer Service brings node ports with it, and two
 * entry nodes stacked in one rank with arrows to the same pods are where the layout draws one arrow
 * through the other node. Every other entry point stays a node of its own.
 */
export function mergeServiceEntries(entries: ReadonlyMap<string, EntryInfo>): Map<string, EntryInfo> {
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

/** `db-external: LoadBalancer :5432 + NodePort`, `Ingress shop.example.com/api`. */
export function entryNodeLabel(exposures: readonly Exposure[]): string {
  const first = exposures[0].via;
  if (!(first.kind in SERVICE_ENTRY_ORDER)) return `${first.kind} ${entryAddress(exposures[0])}`;
  const sorted = [...exposures].sort(
    (a, b) =>
      SERVICE_ENTRY_ORDER[a.via.kind] - SERVICE_ENTRY_ORDER[b.via.kind] ||
      (a.via.entryPort ?? a.port) - (b.via.entryPort ?? b.port),
  );
  const byKind = new Map<string, string[]>();
  for (const e of sorted) {
    const v = e.via;
    // A node port's number says little to a reviewer and is usually allocated: its kind is enough.
    const what = v.kind === "ExternalIP" ? entryAddress(e) : v.kind === "NodePort" ? "" : `:${v.entryPort ?? e.port}`;
    const list = byKind.get(v.kind) ?? [];
    if (what && !list.includes(what)) list.push(what);
    byKind.set(v.kind, list);
  }
  const parts = [...byKind].map(([kind, list]) =>
    kind === "ExternalIP" ? list.join(", ") : `${kind}${list.length ? ` ${list.join(", ")}` : ""}`,
  );
  return `${splitId(first.ref).name}: ${parts.join(" + ")}`;
}
