// The diff as a terminal report: the verdict first, then findings, exposure and reachability changes.
import { describeDelta, entryLabel, peer } from "./names.js";
import { onlyReduces, reducesHeadline } from "./reductions.js";
import { plainFinding } from "./plain.js";
import { renameGroupWords, renamesInOrder } from "./renames-words.js";
import { findingGroups } from "./finding-groups.js";
import type { DiffResult } from "../rules/judge.js";
import { formatDiagnostic } from "../manifests/diagnostics.js";

import { environmentsText, inEnvironment } from "./environments.js";

export function headline(r: DiffResult): string {
  if (r.unanalysed?.length)
    return `Could not analyse this change: ${r.unanalysed[0]}${r.unanalysed.length > 1 ? `; and ${r.unanalysed.length - 1} more` : ""}`;
  if (r.risk === "none" && !r.connections.length && !r.exposures.length)
    return "No change in exposure or reachability.";
  const exposures = r.renames?.exposures ?? r.exposures;
  const top = r.findings[0];
  const word = r.risk === "none" ? "No risk found" : `${r.risk[0].toUpperCase()}${r.risk.slice(1)} risk`;
  // A hardening change is told what it reduces, unless a finding weighs more than low.
  if (onlyReduces(r) && (r.risk === "none" || r.risk === "info" || r.risk === "low"))
    return reducesHeadline(r, word.toLowerCase());
  return top
    ? `${word}: ${plainFinding(r, top)}`
    : `${word}: ${(r.renames?.connections ?? r.connections).length} connection change(s), ${exposures.length} exposure change(s).`;
}

export function diffText(r: DiffResult): string {
  const out: string[] = [headline(r), "", ...environmentsText(r)];
  if (r.findings.length) {
    out.push(`Findings (${r.findings.length}):`);
    // Two or more renames of one namespace are one entry, in the words of the comment's row, the fix said once.
    for (const group of findingGroups(r.findings, { byLine: false })) {
      const [f] = group;
      out.push(
        `  [${f.severity.toUpperCase()}] ${f.rule}: ${renameGroupWords(group) ?? f.message}${inEnvironment(f)}${f.file ? `  (${f.file}${f.line ? `:${f.line}` : ""})` : ""}`,
        `      fix: ${f.fix}`,
      );
    }
    out.push("");
  }
  // A renamed workload's entry points that are the same under the new name are no exposure change.
  const exposures = r.renames?.exposures ?? r.exposures;
  if (exposures.length) {
    out.push("External exposure:");
    for (const c of exposures) {
      const e = (c.head ?? c.base)!;
      const sign = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
      const state = e.blockedBy ? ` [blocked by ${e.blockedBy}]` : "";
      out.push(
        `  ${sign} ${entryLabel(e)} -> ${e.workload} ${e.protocol} ${e.port} from ${e.sources.join(", ") || "nowhere"}${state}${c.deltas.length ? ` (${c.deltas.map(describeDelta).join("; ")})` : ""}${inEnvironment(c)}`,
      );
    }
    out.push("");
  }
  // A renamed workload is one line here, not its connections removed and added: the Reachability section
  // lists what is left once the connections that are the same under the new name are set aside.
  const renames = renamesInOrder(r.renames?.list ?? []);
  if (renames.length) {
    out.push(`Renamed (${renames.length}):`);
    for (const x of renames)
      out.push(
        `  ${x.from} -> ${x.to}  ${x.same} connection${x.same === 1 ? "" : "s"} the same${x.changed ? `, ${x.changed} changed` : ""}${inEnvironment(x)}${x.file ? `  (${x.file}${x.line ? `:${x.line}` : ""})` : ""}`,
      );
    out.push("");
  }
  const connections = r.renames?.connections ?? r.connections;
  if (connections.length) {
    out.push("Reachability:");
    for (const c of connections) {
      const sign = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
      const ports =
        c.change === "changed" ? `${c.base} -> ${c.head}` : c.change === "added" ? `${c.head}` : `${c.base}`;
      const why = c.causes.length ? `  (because ${c.causes.map((o) => `${o.id} ${o.change}`).join(", ")})` : "";
      out.push(`  ${sign} ${peer(c, "from")} -> ${peer(c, "to")}  ${ports}${why}${inEnvironment(c)}`);
    }
    out.push("");
  }
  // The renamed workloads are said above (with several environments, an id renamed in one is left out here).
  const renamedIds = new Set(renames.flatMap((x) => [x.from, x.to]));
  const added = r.workloads.added.filter((w) => !renamedIds.has(w));
  const removed = r.workloads.removed.filter((w) => !renamedIds.has(w));
  if (added.length || removed.length) {
    out.push("Workloads:", ...added.map((w) => `  + ${w}`), ...removed.map((w) => `  - ${w}`), "");
  }
  for (const note of r.notes) out.push(`Note: ${note}`);
  for (const [name, list] of [
    ["base", r.diagnostics.base],
    ["head", r.diagnostics.head],
  ] as const) {
    const shown = list.filter((d) => d.severity !== "info");
    if (shown.length)
      out.push(`Could not read everything in ${name}:`, ...shown.map((d) => `  ${formatDiagnostic(d)}`), "");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
