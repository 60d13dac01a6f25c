// Good news: what a change takes away (exposure removed or narrowed, TLS added, connections removed),
// so that a hardening pull request is told what it reduces instead of being read as a risk. In plain
// words (plain.ts), as the headline is: `db in namespace shop is no longer reachable from the internet via
// the load balancer db-external`.
import type { DiffResult } from "../rules/judge.js";
import type { Exposure } from "../analysis/exposure/index.js";
import type { ExposureDelta } from "../analysis/exposure-diff.js";
import { isExposed } from "../analysis/exposure-diff.js";
import { fitHeadline, HEADLINE_LINE_CHARS, plainConns, plainEntry, plainNamer, plainPeer } from "./plain.js";

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** Where an exposure's clients are, in plain words. */
function plainSources(e: Exposure): string {
  if (e.via.internal) return "the internal network";
  if (e.sources.some((s) => s === "0.0.0.0/0" || s === "::/0")) return "the internet";
  return e.sources.join(", ") || "outside the cluster";
}

/** A narrowing delta in plain words after its entry (`now uses TLS`), or undefined when it does not narrow. */
function narrowing(d: ExposureDelta): string | undefined {
  if (d.kind === "tls-added") return "now uses TLS";
  if (d.kind === "now-internal") return "is now internal only";
  if (d.kind === "sources-changed" && d.to.length && !d.to.includes("0.0.0.0/0") && !d.to.includes("::/0"))
    return `now admits only ${d.to.join(", ")}`;
  return undefined;
}

/** What the change reduces, one phrase per entry object or kind of change, most important first. */
export function reductions(r: DiffResult): string[] {
  const out: string[] = [];
  // Exposure removed: one phrase per entry object (a load balancer and its node ports are one, said by the
  // load balancer).
  const removed = new Map<string, Exposure[]>();
  // A renamed workload's entry points that are the same under the new name are not lost (nor gained).
  const exposures = r.renames?.exposures ?? r.exposures;
  for (const x of exposures) {
    if (x.change !== "removed" || !isExposed(x.base)) continue;
    removed.set(x.base!.via.ref, [...(removed.get(x.base!.via.ref) ?? []), x.base!]);
  }
  for (const list of removed.values()) {
    const entry = list.find((e) => e.via.kind === "LoadBalancer") ?? list[0];
    const workloads = [...new Set(list.map((e) => e.workload))];
    const name = plainNamer(workloads);
    const who =
      workloads.length > 2
        ? `${name(workloads[0])} and ${workloads.length - 1} more`
        : workloads.map(name).join(" and ");
    out.push(
      `${who} ${workloads.length > 1 ? "are" : "is"} no longer reachable from ${plainSources(entry)} via ${plainEntry(entry)}`,
    );
  }
  const seen = new Set<string>();
  for (const x of exposures) {
    if (x.change !== "changed") continue;
    for (const d of x.deltas) {
      const what = narrowing(d);
      if (!what) continue;
      const phrase = `${plainEntry(x.head!)} ${what}`;
      if (!seen.has(phrase)) out.push(phrase);
      seen.add(phrase);
    }
  }
  // A rename's connections are not lost (the comment says the rename).
  const lost = (r.renames?.connections ?? r.connections).filter((c) => !c.base.subtract(c.head).isEmpty());
  for (const c of lost.slice(0, 2)) {
    const name = plainNamer([c.from, c.to].filter((id) => id !== "ip:"));
    const from = plainPeer(c, "from", name);
    out.push(`${from} can no longer reach ${plainPeer(c, "to", name)} on ${plainConns(c.base.subtract(c.head))}`);
  }
  if (lost.length > 2) out.push(`${plural(lost.length - 2, "more connection")} removed or narrowed`);
  return out;
}

/** The headline of a change that only reduces: `This PR reduces reachability (low risk): web in namespace shop ...`. */
export function reducesHeadline(r: DiffResult, risk: string): string {
  const reduced = reductions(r);
  const start = `This PR reduces ${(r.renames?.exposures ?? r.exposures).length ? "exposure" : "reachability"} (${risk}): `;
  // As many phrases as fit two lines, and how many more there are when that fits too.
  const room = HEADLINE_LINE_CHARS - start.length;
  const said = (n: number, more = true) =>
    `${reduced.slice(0, n).join("; ")}${more && reduced.length > n ? `; and ${reduced.length - n} more` : ""}`;
  let shown = 1;
  while (shown < reduced.length && said(shown + 1).length <= room) shown++;
  return `${start}${fitHeadline(said(shown).length <= room ? said(shown) : said(shown, false), room)}`;
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
