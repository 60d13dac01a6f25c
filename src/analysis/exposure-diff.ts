// Base vs head external exposure: entries that appear, disappear, or change in a way a reviewer
// cares about (TLS dropped, sources widened, newly blocked or unblocked by policy), as typed facts
// that report/ words.
import type { Exposure } from "./exposure/index.js";
import type { ChangeKind } from "./diff.js";

export interface ExposureChange {
  /** The environment (one deployed cluster) it belongs to, when the repository deploys several; not part of ids. */
  readonly environment?: string;
  readonly change: ChangeKind;
  readonly base: Exposure | null;
  readonly head: Exposure | null;
  /** For `changed`: what changed. */
  readonly deltas: readonly ExposureDelta[];
}

/** One way an entry point changed between base and head (worded by report/names.ts). */
export type ExposureDelta =
  | { readonly kind: "tls-dropped" }
  | { readonly kind: "tls-added" }
  | { readonly kind: "sources-changed"; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly kind: "now-blocked"; readonly by: string }
  | { readonly kind: "no-longer-blocked"; readonly was: string }
  | { readonly kind: "now-internal" }
  | { readonly kind: "now-internet-facing" };

/** Identity of an exposure: the same entry reaching the same pod port. */
export function exposureKey(e: Exposure): string {
  const v = e.via;
  // An HTTP entry keeps its identity when it moves between :80 and :443 (TLS added or dropped).
  const entryPort = v.kind === "Ingress" || v.kind === "Route" ? null : (v.entryPort ?? null);
  return JSON.stringify([
    e.workload,
    e.protocol,
    e.port,
    v.kind,
    v.ref,
    entryPort,
    v.host ?? null,
    v.path ?? null,
    v.listener ?? null,
  ]);
}

export function isExposed(e: Exposure | null | undefined): boolean {
  return !!e && e.blockedBy === null;
}

export function diffExposures(base: readonly Exposure[], head: readonly Exposure[]): ExposureChange[] {
  const baseMap = new Map(base.map((e) => [exposureKey(e), e]));
  const headMap = new Map(head.map((e) => [exposureKey(e), e]));
  const out: ExposureChange[] = [];
  for (const key of new Set([...baseMap.keys(), ...headMap.keys()])) {
    const b = baseMap.get(key) ?? null;
    const h = headMap.get(key) ?? null;
    if (!b) {
      out.push({ change: "added", base: null, head: h, deltas: [] });
      continue;
    }
    if (!h) {
      out.push({ change: "removed", base: b, head: null, deltas: [] });
      continue;
    }
    const deltas: ExposureDelta[] = [];
    if (b.via.tls && !h.via.tls) deltas.push({ kind: "tls-dropped" });
    if (!b.via.tls && h.via.tls) deltas.push({ kind: "tls-added" });
    const bs = [...b.sources].sort();
    const hs = [...h.sources].sort();
    if (bs.join() !== hs.join()) deltas.push({ kind: "sources-changed", from: bs, to: hs });
    if (b.blockedBy === null && h.blockedBy !== null) deltas.push({ kind: "now-blocked", by: h.blockedBy });
    if (b.blockedBy !== null && h.blockedBy === null) deltas.push({ kind: "no-longer-blocked", was: b.blockedBy });
    if (!!b.via.internal !== !!h.via.internal)
      deltas.push({ kind: h.via.internal ? "now-internal" : "now-internet-facing" });
    if (deltas.length) out.push({ change: "changed", base: b, head: h, deltas });
  }
  const order: Record<ChangeKind, number> = { added: 0, changed: 1, removed: 2 };
  const ref = (c: ExposureChange) => (c.head ?? c.base)!;
  return out.sort(
    (a, b) => order[a.change] - order[b.change] || exposureKey(ref(a)).localeCompare(exposureKey(ref(b))),
  );
}
