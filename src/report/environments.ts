// How a review over several environments says which environment each change belongs to: one line per
// environment (one line when nothing changed there, added or removed ones said as such), and a change
// to a file shared by several environments (a base) summarised once with the environments it reaches.
import type { DiffResult } from "../rules/judge.js";
import type { EnvironmentSummary } from "../rules/judge.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function counts(e: EnvironmentSummary): string {
  const s = e.stats.head ?? e.stats.base;
  if (!s) return "";
  return `${plural(s.workloads, "workload")}, ${plural(s.services, "Service")}, ${plural(s.networkPolicies + s.adminPolicies, "policy")}`.replace(
    /polic(y)s/,
    "policies",
  );
}

/** One line for an environment: its status and what changed there. */
export function environmentLine(e: EnvironmentSummary): string {
  const where = e.cluster ? ` (cluster ${e.cluster})` : "";
  const size = counts(e);
  const unread = e.unanalysed?.head ?? e.unanalysed?.base;
  if (unread) return `${e.name}${where}: could not analyse, ${unread}`;
  if (e.status === "unchanged") return `${e.name}${where}: no change (${size})`;
  const what = [
    e.findings ? plural(e.findings, "finding") : "",
    e.exposures ? plural(e.exposures, "exposure change") : "",
    e.connections ? plural(e.connections, "reachability change") : "",
    e.objects ? plural(e.objects, "object change") : "",
  ]
    .filter(Boolean)
    .join(", ");
  const status = e.status === "changed" ? `risk ${e.risk}` : `${e.status} by this pull request, risk ${e.risk}`;
  return `${e.name}${where}: ${status}${what ? `; ${what}` : ""} (${size})`;
}

/** Findings of one file and line that several environments share (a change to a common base), once each. */
export function sharedChanges(r: DiffResult): { place: string; rule: string; environments: string[] }[] {
  const byPlace = new Map<string, { place: string; rule: string; environments: Set<string> }>();
  for (const f of r.findings) {
    if (!f.file || f.environment === undefined) continue;
    const place = `${f.file}${f.line ? `:${f.line}` : ""}`;
    const key = `${place}\0${f.rule}`;
    const entry = byPlace.get(key) ?? { place, rule: f.rule, environments: new Set<string>() };
    entry.environments.add(f.environment);
    byPlace.set(key, entry);
  }
  return [...byPlace.values()]
    .filter((e) => e.environments.size > 1)
    .map((e) => ({ place: e.place, rule: e.rule, environments: [...e.environments] }));
}

/** Plain-text section (diff --format text). Empty for a repository that is one environment. */
export function environmentsText(r: DiffResult): string[] {
  if (!r.environments) return [];
  const out = [`Environments (${r.environments.length}), each analysed as its own cluster:`];
  for (const e of r.environments) out.push(`  ${environmentLine(e)}`);
  for (const s of sharedChanges(r))
    out.push(
      `  shared: ${s.place} (${s.rule}) reaches ${plural(s.environments.length, "environment")}: ${s.environments.join(", ")}`,
    );
  out.push("");
  return out;
}

/** The environment a change belongs to, as a suffix for one line of a list ("" when there is one). */
export const inEnvironment = (x: { readonly environment?: string }): string =>
  x.environment === undefined ? "" : ` [${x.environment}]`;

/** One environment's part of a review over several, for a drawing of that cluster alone. */
function environmentView(r: DiffResult, name: string): DiffResult {
  const mine = <T extends { readonly environment?: string }>(list: readonly T[]) =>
    list.filter((x) => x.environment === name);
  return {
    ...r,
    findings: mine(r.findings),
    connections: mine(r.connections),
    exposures: mine(r.exposures),
    objects: mine(r.objects),
    ...(r.renames
      ? {
          renames: {
            list: mine(r.renames.list),
            connections: mine(r.renames.connections),
            exposures: mine(r.renames.exposures),
          },
        }
      : {}),
    context: r.environmentContexts?.[name] ?? { connections: [], exposures: [] },
    environments: undefined,
    environmentContexts: undefined,
  };
}

/**
 * What the comment draws: the whole review when it is one cluster; else one view per environment
 * that changes exposure or reachability (an environment's diagram never mixes in another's objects).
 */
export function diagramViews(r: DiffResult): { readonly environment?: string; readonly result: DiffResult }[] {
  if (!r.environments) return [{ result: r }];
  return r.environments
    .filter((e) => e.exposures + e.connections > 0)
    .map((e) => ({ environment: e.name, result: environmentView(r, e.name) }));
}
