// Good news: what a change takes away (exposure removed or narrowed, TLS added, connections removed),
// so that a hardening pull request is told what it reduces instead of being read as a risk.
import type { DiffResult } from "../rules/judge.js";
import { isExposed } from "../analysis/exposure-diff.js";
import { describeDelta, peer } from "./names.js";

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** What the change reduces, one phrase per entry object or kind of change, most important first. */
export function reductions(r: DiffResult): string[] {
  const out: string[] = [];
  // Exposure removed: one phrase per entry object (a load balancer and its node ports are one).
  const removed = new Map<string, Set<string>>();
  // A renamed workload's entry points that are the same under the new name are not lost (nor gained).
  const exposures = r.renames?.exposures ?? r.exposures;
  for (const x of exposures) {
    if (x.change !== "removed" || !isExposed(x.base)) continue;
    const e = x.base!;
    const list = removed.get(e.via.ref) ?? new Set<string>();
    list.add(`${e.workload} ${e.protocol} ${e.port}`);
    removed.set(e.via.ref, list);
  }
  for (const [ref, reached] of removed) out.push(`${ref} no longer exposes ${[...reached].join(", ")}`);
  const narrowed = new Set(["tls-added", "now-internal"]);
  const seen = new Set<string>();
  for (const x of exposures) {
    if (x.change !== "changed") continue;
    for (const d of x.deltas) {
      if (!narrowed.has(d.kind) && !(d.kind === "sources-changed" && d.to.length && !d.to.includes("0.0.0.0/0")))
        continue;
      const phrase = `${x.head!.via.ref}: ${describeDelta(d)}`;
      if (!seen.has(phrase)) out.push(phrase);
      seen.add(phrase);
    }
  }
  // A rename's connections are not lost (the comment says the rename).
  const lost = (r.renames?.connections ?? r.connections).filter((c) => !c.base.subtract(c.head).isEmpty());
  for (const c of lost.slice(0, 2))
    out.push(`${peer(c, "from")} can no longer reach ${peer(c, "to")} on ${c.base.subtract(c.head)}`);
  if (lost.length > 2) out.push(`${plural(lost.length - 2, "more connection")} removed or narrowed`);
  return out;
}

/** True when the change only takes away: no exposure or connection gained, and something reduced. */
export function onlyReduces(r: DiffResult): boolean {
  const gains =
    (r.renames?.connections ?? r.connections).some((c) => !c.head.subtract(c.base).isEmpty()) ||
    (r.renames?.exposures ?? r.exposures).some(
      (x) =>
        (x.change === "added" && isExposed(x.head)) ||
        x.deltas.some(
          (d) => d.kind === "tls-dropped" || d.kind === "now-internet-facing" || d.kind === "no-longer-blocked",
        ),
    );
  return !gains && reductions(r).length > 0;
}
