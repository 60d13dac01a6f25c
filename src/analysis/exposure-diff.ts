// Base vs head external exposure: entries that appear, disappear, or change in a way a reviewer
// cares about (TLS dropped, sources widened, newly blocked or unblocked by policy).
import type { Exposure } from "./exposure/index.js";
import type { ChangeKind } from "./diff.js";

export interface ExposureChange {
  readonly change: ChangeKind;
  readonly base: Exposure | null;
  readonly head: Exposure | null;
  /** For `changed`: what changed, in plain words. */
  readonly what: readonly string[];
}

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
      out.push({ change: "added", base: null, head: h, what: [] });
      continue;
    }
    if (!h) {
      out.push({ change: "removed", base: b, head: null, what: [] });
      continue;
    }
    const what: string[] = [];
    if (b.via.tls && !h.via.tls) what.push("TLS dropped");
    if (!b.via.tls && h.via.tls) what.push("TLS added");
    const bs = [...b.sources].sort().join(", ");
    const hs = [...h.sources].sort().join(", ");
    if (bs !== hs) what.push(`sources ${bs || "none"} -> ${hs || "none"}`);
    if (b.blockedBy === null && h.blockedBy !== null) what.push(`now blocked by ${h.blockedBy}`);
    if (b.blockedBy !== null && h.blockedBy === null) what.push(`no longer blocked (was blocked by ${b.blockedBy})`);
    if (!!b.via.internal !== !!h.via.internal) what.push(h.via.internal ? "now internal only" : "now internet-facing");
    if (what.length) out.push({ change: "changed", base: b, head: h, what });
  }
  const order: Record<ChangeKind, number> = { added: 0, changed: 1, removed: 2 };
  const ref = (c: ExposureChange) => (c.head ?? c.base)!;
  return out.sort(
    (a, b) => order[a.change] - order[b.change] || exposureKey(ref(a)).localeCompare(exposureKey(ref(b))),
  );
}
