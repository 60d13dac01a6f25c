// The comment's exposure and reachability sections, shaped to fit GitHub's 746 px comment body:
// exposure changes as a three-column table whose long notes (the ingress controller, externalTrafficPolicy)
// are said once each below it, numbered; reachability changes as lists grouped by the changed objects
// that cause them ("because shop/NetworkPolicy/db changed: 3 connections"), one group per root cause.
import type { ConnectionChange } from "../analysis/diff.js";
import type { ExposureChange } from "../analysis/exposure-diff.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import type { Rename } from "../analysis/renames.js";
import { md } from "./escape.js";
import { describeDelta, entryLabel, peer, portLabel, portsChange, splitId } from "./names.js";
import { renamesInOrder, renamesWords } from "./renames-words.js";

/** Words a file:line link as `as` (or file:line) and points it at the reviewed commit when it can. */
type Link = (file: string | undefined, line: number | undefined, as?: string) => string;

const CHANGE_WORD = { added: "added", removed: "removed", changed: "changed" } as const;

/** The environment of a change, after its place ("" with one environment). */
export const envCell = (x: { readonly environment?: string }) =>
  x.environment === undefined ? "" : ` · ${md(x.environment, 120)}`;

/**
 * The exposure table: entry point (with its change and a link to its object), the workload and port it
 * reaches, and what changed; every note once under the table, numbered, the rows naming their numbers.
 */
export function exposureTable(list: readonly ExposureChange[], limit: number, link: Link): string[] {
  if (!list.length) return [];
  const notes = new Map<string, number>();
  const rows = list.slice(0, limit).map((x) => {
    const e = (x.head ?? x.base)!;
    const from = e.via.internal
      ? `internal network${e.sources.length ? `: ${e.sources.join(", ")}` : ""}`
      : e.sources.join(", ") || "nowhere";
    const blockedSaid = x.deltas.some((d) => d.kind === "now-blocked" || d.kind === "no-longer-blocked");
    const state = [
      `from ${from}`,
      ...x.deltas.map(describeDelta),
      ...(e.blockedBy && !blockedSaid ? [`blocked by ${e.blockedBy}`] : []),
    ];
    const refs = e.notes
      .map((n) => {
        if (!notes.has(n)) notes.set(n, notes.size + 1);
        return notes.get(n)!;
      })
      .sort((a, b) => a - b);
    const said = `${md(state.join("; "), 400)}${refs.length ? ` (note${refs.length > 1 ? "s" : ""} ${refs.join(", ")})` : ""}`;
    return `| ${CHANGE_WORD[x.change]}: ${link(e.file, e.line, entryLabel(e))} | ${md(e.workload, 160)} ${portLabel(e.protocol, e.port)} | ${said}${envCell(x)} |`;
  });
  const out = ["| Entry point | Reaches | What changed |", "|---|---|---|", ...rows];
  if (list.length > rows.length)
    out.push(`| … | and ${(list.length - rows.length).toLocaleString("en-US")} more exposure changes | |`);
  if (notes.size) out.push("", "Notes:", "", ...[...notes.keys()].map((n, i) => `${i + 1}. ${md(n, 400)}`));
  return out;
}

type Caused = ConnectionChange & { readonly causes: readonly ObjectChange[] };

/** One connection change as a list item: `added: a to b on TCP 5432`. */
function connectionLine(c: Caused): string {
  const ports = `${c.change === "changed" ? ":" : " on"} ${md(portsChange(c), 200)}`;
  return `- ${CHANGE_WORD[c.change]}: ${md(peer(c, "from"), 200)} to ${md(peer(c, "to"), 200)}${ports}${envCell(c)}`;
}

/** Connection changes grouped by the changed objects that cause them, biggest group first. */
function causeGroups(list: readonly Caused[]): { causes: readonly ObjectChange[]; changes: Caused[] }[] {
  const groups = new Map<string, { causes: readonly ObjectChange[]; changes: Caused[] }>();
  for (const c of list) {
    const key = JSON.stringify([c.environment ?? null, ...c.causes.map((o) => `${o.change} ${o.id}`)]);
    const g = groups.get(key) ?? { causes: c.causes, changes: [] };
    g.changes.push(c);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.changes.length - a.changes.length);
}

/**
 * A new workload nothing restricts (no policy isolates it, as in a namespace without NetworkPolicy): every
 * connection of its group is added, on all ports, to or from it. Said once per namespace instead of N×M lines.
 */
function openWorkload(g: { causes: readonly ObjectChange[]; changes: readonly Caused[] }): string | undefined {
  const [cause] = g.causes;
  if (g.causes.length !== 1 || cause.change !== "added" || splitId(cause.id).kind === undefined) return undefined;
  const open = g.changes.every(
    (c) => c.change === "added" && c.head.isAll() && (c.from === cause.id || c.to === cause.id),
  );
  return open && g.changes.length > 1 ? cause.id : undefined;
}

/** The reachability section: per root cause, a line naming it (linked) and its connections, at most `limit` lines in all. */
export function reachabilityLists(
  list: readonly Caused[],
  limit: number,
  link: Link,
  renames: readonly Rename[] = [],
): string[] {
  const out: string[] = [];
  let left = limit;
  // Renames of one namespace that change nothing else: one paragraph naming them all; any other rename its own.
  const quiet = new Map<string, Rename[]>();
  for (const x of renames) {
    if (x.changed) continue;
    const key = JSON.stringify([x.environment ?? null, splitId(x.to).namespace ?? null]);
    quiet.set(key, [...(quiet.get(key) ?? []), x]);
  }
  const said = new Set<Rename>();
  for (const x of renamesInOrder(renames)) {
    if (said.has(x)) continue;
    const together = x.changed
      ? [x]
      : quiet.get(JSON.stringify([x.environment ?? null, splitId(x.to).namespace ?? null]))!;
    for (const y of together) said.add(y);
    if (together.length > 1) {
      const w = renamesWords(together, together.length);
      out.push(
        `**${md(w.what, 200)}${envCell(x)}**: ${md(w.names, 4000)}; ${w.connections} (none gained, none lost)`,
        "",
      );
      continue;
    }
    out.push(
      `**Renamed: ${md(x.from, 200)} → ${md(x.to, 200)}${envCell(x)}**: the same ${x.same.toLocaleString("en-US")} connection${x.same === 1 ? "" : "s"} under the new name${x.changed ? `, ${x.changed.toLocaleString("en-US")} changed (below)` : " (none gained, none lost)"}`,
      "",
    );
  }
  const groups = causeGroups(list);
  // New workloads open to every peer, by namespace: one paragraph each.
  const open = new Map<string, { causes: ObjectChange[]; changes: Caused[] }>();
  for (const g of groups) {
    const id = openWorkload(g);
    if (!id) continue;
    const ns = `${g.changes[0].environment ?? ""}\0${splitId(id).namespace ?? ""}`;
    const entry = open.get(ns) ?? { causes: [], changes: [] };
    entry.causes.push(g.causes[0]);
    entry.changes.push(...g.changes);
    open.set(ns, entry);
  }
  for (const [key, o] of open) {
    const ns = key.split("\0")[1];
    const ids = new Set(o.causes.map((c) => c.id));
    const peers = new Set(o.changes.flatMap((c) => [c.from, c.to]).filter((p) => !ids.has(p) && p !== "ip:"));
    const outside = o.changes.some((c) => c.from === "ip:" || c.to === "ip:");
    const n = o.changes.length;
    const names = o.causes.map((c) => link(c.file, c.line, c.id)).join(", ");
    out.push(
      `**${ns ? `Namespace ${md(ns, 120)}` : "Cluster-scoped"}: ${o.causes.length === 1 ? "a new workload" : `${o.causes.length} new workloads`} open to every pod${outside ? " and outside address" : ""}**: ${names}${envCell(o.changes[0])}`,
      "",
      `- nothing restricts ${o.causes.length === 1 ? "it" : "them"}: ${n.toLocaleString("en-US")} connections on all ports, to and from ${peers.size.toLocaleString("en-US")} other workload${peers.size === 1 ? "" : "s"}${outside ? " and outside addresses" : ""}`,
      "",
    );
  }
  for (const g of groups) {
    if (openWorkload(g)) continue;
    const causes = g.causes
      .slice(0, 3)
      .map((o) => `${link(o.file, o.line, o.id)} ${o.change === "changed" ? "changed" : `was ${o.change}`}`);
    if (g.causes.length > 3) causes.push(`and ${g.causes.length - 3} more`);
    const n = g.changes.length;
    const why = causes.length ? `Because ${causes.join(", ")}` : "No changed object explains";
    out.push(`**${why}**: ${n.toLocaleString("en-US")} connection${n === 1 ? "" : "s"}`, "");
    const shown = g.changes.slice(0, Math.max(0, left));
    out.push(...shown.map(connectionLine));
    if (shown.length < n) out.push(`- and ${(n - shown.length).toLocaleString("en-US")} more`);
    out.push("");
    left -= shown.length;
  }
  return out;
}
