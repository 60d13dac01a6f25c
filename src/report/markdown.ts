// One file: the comment and how it steps down to fit GitHub's size limit, because each step assembles every section.
// The pull-request comment (GitHub-flavoured Markdown) over one DiffResult: a hidden marker, whether
// it blocks merging, the headline, what could not be read in one line, the one visible table (the
// findings: severity, what changed, where), the diagram, and the rest in <details> (fixes once per
// rule, exposure and reachability tables, what could not be read); a footer with the reviewed commit,
// the version and the commands. Everything from a manifest goes through escape.ts.
// The comment always fits `maxBytes` (UTF-8): it steps down from the full comment to a collapsed
// diagram, to tables only, to the verdict and risk table with a pointer to the full report, and says
// what it left out.
import { diffArrays } from "diff";
import type { DiffResult } from "../rules/judge.js";
import type { ConnectionChange } from "../analysis/diff.js";
import type { Severity } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { Finding } from "../rules/rule.js";
import { headline } from "./diff-text.js";
import { packageVersion } from "../manifests/package-version.js";
import { onlyReduces, reductions } from "./reductions.js";
import { codeLine, cutToBytes, encodePath, fenceFor, md, safeUrl, utf8Bytes } from "./escape.js";
import { buildDiagram, type Diagram } from "./mermaid.js";
import { peer } from "./names.js";
import { envCell, exposureTable, reachabilityLists } from "./changes-markdown.js";
import { findingGroups, groupWords } from "./finding-groups.js";
import { diagramViews, environmentLine, sharedChanges } from "./environments.js";

/** The first line of every comment; the GitHub side finds its sticky comment by it. */
export const MARKER_PREFIX = "<!-- reachdiff:v1";

export function marker(headSha?: string): string {
  const sha = headSha && /^[0-9A-Za-z]{1,64}$/.test(headSha) ? headSha : undefined;
  return sha ? `${MARKER_PREFIX} head=${sha} -->` : `${MARKER_PREFIX} -->`;
}

/** Reads the marker on a comment's first line: its version and head SHA, or null when it is not ours. */
export function parseMarker(body: string): { version: number; head?: string } | null {
  const first = (body.split(/\r?\n/, 1)[0] ?? "").trim();
  const m = /^<!-- reachdiff:v(\d+)((?: [a-z]+=[^\s>]*)*) -->$/.exec(first);
  if (!m) return null;
  // `head=unknown` (written when the SHA was not known) is no head.
  const head = /(?:^| )head=([0-9A-Za-z]+)(?= |$)/.exec(m[2])?.[1];
  return head && head !== "unknown" ? { version: Number(m[1]), head } : { version: Number(m[1]) };
}

export const SEVERITY_EMOJI: Record<Severity | "none", string> = {
  critical: "🟥",
  high: "🟧",
  medium: "🟨",
  low: "🟦",
  info: "⬜",
  none: "✅",
};

export interface CommentOptions {
  /** `https://github.com/owner/repo`: with headSha, file:line references become links. */
  readonly repoUrl?: string;
  readonly headSha?: string;
  /** Where the full report is (job summary, artifact): named when the comment had to be shortened. */
  readonly reportUrl?: string;
  /** Upper bound on the comment's size in UTF-8 bytes (GitHub's limit is 65,536). */
  readonly maxBytes?: number;
  /** Whether the check blocks the pull request, and by which setting: the comment's first line. */
  readonly verdict?: { readonly failed: boolean; readonly failOn: Severity | "none"; readonly reason?: string };
  /** The Reachdiff version named in the footer (default: this package's). */
  readonly version?: string;
}

const plural = (n: number, word: string) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? word : word.endsWith("y") ? `${word.slice(0, -1)}ies` : `${word}s`}`;

export function linker(options: Pick<CommentOptions, "repoUrl" | "headSha">) {
  const repo = safeUrl(options.repoUrl?.replace(/\/+$/, ""));
  const sha = options.headSha && /^[0-9A-Za-z]{1,64}$/.test(options.headSha) ? options.headSha : undefined;
  // `as`: the words the link shows instead of file:line (the object it points at), to keep cells narrow.
  return (file: string | undefined, line: number | undefined, as?: string): string => {
    if (!file) return as ? md(as, 160) : "—";
    const text = md(as ?? (line ? `${file}:${line}` : file), 160);
    return repo && sha ? `[${text}](${repo}/blob/${sha}/${encodePath(file)}${line ? `#L${line}` : ""})` : text;
  };
}

/** A table of the first `limit` rows; `hidden(n)` counts what the rows left out stand for (default: rows). */
function table(
  head: readonly string[],
  rows: readonly string[],
  limit: number,
  what: string,
  hidden: (shown: number) => number = (n) => rows.length - n,
): string[] {
  if (!rows.length) return [];
  const shown = rows.slice(0, limit);
  const out = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...shown];
  if (rows.length > shown.length)
    out.push(
      `| … | and ${hidden(shown.length).toLocaleString("en-US")} more ${what} |${" |".repeat(Math.max(0, head.length - 2))}`,
    );
  return out;
}

// The one always-visible table: three short columns (the rule and its fix are said once, below), one row per
// root cause (finding-groups.ts), in plain words.
function findingRow(group: readonly Finding[], r: DiffResult, link: ReturnType<typeof linker>): string {
  const f = group[0];
  const { cause, first, also } = groupWords(r, group);
  const lead = cause ? `**${md(cause.words, 160)}** ${cause.object.change}: ` : "";
  // A cause with many findings (a new workload in a namespace without NetworkPolicy) names a few and counts the rest.
  const more = [
    ...also
      .slice(0, 4)
      .map((g) => `<br>also ${SEVERITY_EMOJI[g.finding.severity]} ${g.finding.severity}: ${md(g.words, 300)}`),
    ...(also.length > 4 ? [`<br>and ${plural(also.length - 4, "more finding")} from it`] : []),
  ].join("");
  return `| ${SEVERITY_EMOJI[f.severity]} ${f.severity} | ${lead}${md(first, 300)}${more} | ${link(f.file, f.line)}${envCell(f)} |`;
}

/** Each rule's fix once (findings of one rule share it; a message may have its own). */
function fixLines(findings: readonly Finding[]): string[] {
  const seen = new Map<string, string>();
  for (const f of findings) if (!seen.has(f.fix)) seen.set(f.fix, f.rule);
  return [...seen].map(([fix, rule]) => `- **${md(rule, 80)}**: ${md(fix, 400)}`);
}

/** One line per environment, and the findings a shared file causes in several, once. Empty with one environment. */
function environmentsMarkdown(r: DiffResult): string[] {
  if (!r.environments) return [];
  return [
    `**Environments** (${r.environments.length}, each analysed as its own cluster):`,
    "",
    ...r.environments.map((e) => `- ${md(environmentLine(e), 400)}`),
    ...sharedChanges(r)
      .slice(0, 20)
      .map(
        (c) =>
          `- shared: ${md(c.place, 200)} (\`${md(c.rule, 80).replace(/`/g, "")}\`) reaches ${c.environments.length} environments: ${md(c.environments.join(", "), 400)}`,
      ),
    "",
  ];
}

/** `+ shop/Deployment/web -> shop/StatefulSet/db TCP 5432` lines: a diff of the sorted connection lists. */
export function connectivityDelta(r: DiffResult): string[] {
  const line = (c: ConnectionChange, conns: string) => codeLine(`${peer(c, "from")} -> ${peer(c, "to")} ${conns}`);
  const base = r.connections
    .filter((c) => !c.base.isEmpty())
    .map((c) => line(c, `${c.base}`))
    .sort();
  const head = r.connections
    .filter((c) => !c.head.isEmpty())
    .map((c) => line(c, `${c.head}`))
    .sort();
  const out: string[] = [];
  for (const part of diffArrays(base, head)) {
    const sign = part.added ? "+" : part.removed ? "-" : " ";
    for (const l of part.value) out.push(`${sign} ${l}`);
  }
  return out;
}

function diagnosticLines(side: string, list: readonly Diagnostic[], limit: number): string[] {
  const shown = list.filter((d) => d.severity !== "info");
  if (!shown.length) return [];
  const out = [`**${side}** (${plural(shown.length, "problem")}):`, ""];
  for (const d of shown.slice(0, limit))
    out.push(
      `- ${md(d.line > 0 ? `${d.file}:${d.line}` : d.file, 160)}: ${d.severity}: ${md(d.message, 300)}${d.object ? ` (${md(d.object, 160)})` : ""}`,
    );
  if (shown.length > limit) out.push(`- and ${shown.length - limit} more`);
  out.push("");
  return out;
}

/** At most this many diagrams in one comment (one per environment that changes). */
const MAX_DIAGRAMS = 3;

interface Drawings {
  /** Each diagram with the environments it shows (none: the repository is one cluster); alike drawings once. */
  readonly drawn: readonly { readonly environments: readonly string[]; readonly d: Diagram }[];
  /** What was not drawn, in words, or "". */
  readonly more: string;
}

/** One diagram per environment that changes (never one drawing of several clusters), environments drawn alike together. */
function drawings(r: DiffResult, mode: "auto" | "collapsed"): Drawings {
  const groups = new Map<string, { environments: string[]; d: Diagram }>();
  for (const v of diagramViews(r)) {
    const d = buildDiagram(v.result, { mode });
    if (d.empty) continue;
    const g = groups.get(d.text) ?? { environments: [], d };
    if (v.environment !== undefined) g.environments.push(v.environment);
    groups.set(d.text, g);
  }
  const all = [...groups.values()];
  const left = all.slice(MAX_DIAGRAMS).flatMap((g) => g.environments);
  return {
    drawn: all.slice(0, MAX_DIAGRAMS),
    more: left.length
      ? `No diagram for ${left.length === 1 ? "environment" : "environments"} ${left.join(", ")} (at most ${MAX_DIAGRAMS} diagrams); the tables list every change.`
      : "",
  };
}

interface Plan {
  readonly diagram: "auto" | "collapsed" | "none";
  /** Rows of the exposure and reachability tables (and lines of lists); 0 leaves the sections out. */
  readonly rows: number;
  readonly details: boolean;
  readonly risks: number;
}

export function renderComment(r: DiffResult, options: CommentOptions = {}): string {
  const maxBytes = options.maxBytes ?? 65_536;
  const link = linker(options);
  const verdict = headline(r);
  // Nothing analysed is never a green tick.
  const mark = r.unanalysed?.length ? "⚠️" : SEVERITY_EMOJI[r.risk];
  const v = options.verdict;
  const verdictLine = v
    ? v.failed
      ? `**⛔ Blocks merging:** ${v.reason ? md(v.reason, 400) : `the risk (${r.risk}) reaches \`fail-on: ${v.failOn}\``}`
      : `**✅ Does not block merging** (\`fail-on: ${v.failOn}\`)`
    : undefined;
  const top = [marker(options.headSha), "", ...(verdictLine ? [verdictLine, ""] : [])];
  const reportUrl = safeUrl(options.reportUrl);
  const pointer = reportUrl
    ? `See the [full report](${reportUrl}).`
    : "Run `reachdiff diff --format text` (or `--format json`) on the same base and head for the full report.";

  const diagnostics = [
    ...diagnosticLines("base", r.diagnostics.base, 20),
    ...diagnosticLines("head", r.diagnostics.head, 20),
  ];
  // What could not be read: one line under the headline, the list in <details>.
  const problems = [...r.diagnostics.base, ...r.diagnostics.head].filter((d) => d.severity !== "info");
  const readLine = problems.length
    ? [
        `⚠️ Could not read everything: ${plural(problems.length, "problem")}, first ${md(problems[0].line > 0 ? `${problems[0].file}:${problems[0].line}` : problems[0].file, 160)}: ${md(problems[0].message, 200)}`,
        "",
      ]
    : [];
  const readDetails = diagnostics.length
    ? [
        `<details><summary>What could not be read (${plural(problems.length, "problem")})</summary>`,
        "",
        ...diagnostics,
        "</details>",
        "",
      ]
    : [];
  const notes = r.notes.map((n) => `> **Note:** ${md(n, 400)}`);
  const environments = environmentsMarkdown(r);
  const s = r.stats;
  const sha = options.headSha && /^[0-9A-Za-z]{7,64}$/.test(options.headSha) ? options.headSha.slice(0, 7) : undefined;
  const footer = `<sub>${sha ? `Reviewed ${sha} with ` : ""}reachdiff ${md(options.version ?? packageVersion(), 40)} · comment \`/reachdiff run\` to run again, \`/reachdiff explain FROM TO [PORT]\` to see why · base: ${plural(s.base.workloads, "workload")}, ${plural(s.base.services, "Service")}, ${plural(s.base.networkPolicies, "NetworkPolicy")} · head: ${plural(s.head.workloads, "workload")}, ${plural(s.head.services, "Service")}, ${plural(s.head.networkPolicies, "NetworkPolicy")}</sub>`;

  if (r.risk === "none" && !r.connections.length && !r.exposures.length) {
    const body = [
      ...top,
      `### ${mark} ${md(verdict, 300)}`,
      "",
      ...readLine,
      r.objects.length
        ? `${plural(r.objects.length, "object")} changed; none of them changes who can reach what.`
        : "No manifest object that matters for exposure or reachability changed.",
      "",
      ...environments,
      ...readDetails,
      ...(notes.length ? [...notes, ""] : []),
      footer,
    ].join("\n");
    return utf8Bytes(body) <= maxBytes
      ? `${body}\n`
      : `${cutToBytes(`${[...top, `### ${mark} ${md(verdict, 300)}`].join("\n")}`, maxBytes - 1)}\n`;
  }

  const counts = new Map<Severity, number>();
  for (const f of r.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  // A renamed workload's connections that are the same under the new name are said as one rename.
  const listed = r.renames?.connections ?? r.connections;
  const renamed = r.renames?.list ?? [];
  const exposureRows = r.renames?.exposures ?? r.exposures;
  const summary = [
    r.findings.length
      ? `**${plural(r.findings.length, "finding")}** (${[...counts].map(([sev, n]) => `${SEVERITY_EMOJI[sev]} ${n} ${sev}`).join(", ")})`
      : "**no findings**",
    plural(exposureRows.length, "exposure change"),
    plural(listed.length, "reachability change"),
    ...(renamed.length ? [`${plural(renamed.length, "workload")} renamed`] : []),
    `${plural(r.objects.length, "object")} changed`,
  ].join(" · ");
  // Good news beside the risks. A hardening change says it in its headline (the rest here), unless a risk
  // heads it: then what it reduces is what the risk is about, not news.
  const reducedAll = reductions(r);
  const headed = onlyReduces(r) ? reducedAll.filter((p) => verdict.includes(p)).length : 0;
  const reduced = onlyReduces(r) && !headed ? [] : reducedAll.filter((p) => !verdict.includes(p));
  const goodNews = reduced.length
    ? [
        `**${headed ? "Also reduces" : "Reduces"}:** ${md(`${reduced.slice(0, 3).join("; ")}${reduced.length > 3 ? `; and ${reduced.length - 3} more` : ""}`, 600)}`,
        "",
      ]
    : [];
  const head = [...top, `### ${mark} ${md(verdict, 300)}`, "", ...readLine, summary, "", ...goodNews, ...environments];

  const groups = findingGroups(r.findings);
  const riskRows = groups.map((g) => findingRow(g, r, link));
  // Findings in the rows after the first n.
  const findingsAfter = (n: number) => groups.slice(n).reduce((sum, g) => sum + g.length, 0);
  const connectionRows = listed;
  const diagrams = new Map<string, Drawings>();
  const diagram = (mode: "auto" | "collapsed") => {
    if (!diagrams.has(mode)) diagrams.set(mode, drawings(r, mode));
    return diagrams.get(mode)!;
  };

  const assemble = (plan: Plan): { text: string; left: string[] } => {
    const left: string[] = [];
    const out: string[] = [];
    const fixes = fixLines(r.findings);
    const risks = riskRows.length
      ? [
          ...table(["Severity", "What changed", "Where"], riskRows, plan.risks, "findings", findingsAfter),
          "",
          ...(plan.details
            ? [
                `<details><summary>How to fix (${plural(fixes.length, "rule")})</summary>`,
                "",
                ...fixes,
                "",
                "</details>",
                "",
              ]
            : []),
        ]
      : [];
    if (plan.risks < riskRows.length) left.push(`${plural(findingsAfter(plan.risks), "finding")}`);

    if (plan.diagram !== "none") {
      const { drawn, more } = diagram(plan.diagram);
      for (const { environments, d } of drawn) {
        const fence = fenceFor(d.text);
        const where = environments.length ? ` in ${md(environments.join(", "), 300)}` : "";
        out.push(`#### What changes${where}`, "", `${fence}mermaid`, d.text, fence, "");
        // The legend, then what was left out, as one line under the diagram.
        const under = [d.caption, ...(d.omitted.length ? [`Diagram ${d.omitted.join("; ")}.`] : [])].filter(Boolean);
        if (under.length) out.push(`<sub>${under.map((u) => md(u, 600)).join(" ")}</sub>`, "");
      }
      if (more) out.push(`<sub>${md(more, 300)}</sub>`, "");
    } else if (diagram("auto").drawn.length) left.push("the diagram");

    if (plan.details) {
      const rows = plan.rows;
      if (exposureRows.length) {
        out.push(
          `<details><summary>Exposure changes (${exposureRows.length})</summary>`,
          "",
          ...exposureTable(exposureRows, rows, link),
          "",
          "</details>",
          "",
        );
        if (rows < exposureRows.length) left.push(`${plural(exposureRows.length - rows, "exposure change")}`);
      }
      if (connectionRows.length || renamed.length) {
        out.push(
          `<details><summary>Reachability changes (${connectionRows.length}${renamed.length ? `; ${plural(renamed.length, "workload")} renamed` : ""})</summary>`,
          "",
          ...reachabilityLists(connectionRows, rows, link, renamed),
          "</details>",
          "",
        );
        if (rows < connectionRows.length) left.push(`${plural(connectionRows.length - rows, "reachability change")}`);
      }
      // The renamed workloads are said as renames (with several environments, an id renamed in one is left out here).
      const renamedIds = new Set(renamed.flatMap((x) => [x.from, x.to]));
      for (const [word, list] of [
        ["New workloads", r.workloads.added.filter((w) => !renamedIds.has(w))],
        ["Removed workloads", r.workloads.removed.filter((w) => !renamedIds.has(w))],
      ] as const) {
        if (!list.length) continue;
        const shown = list.slice(0, Math.min(rows, 50)).map((w) => md(w, 160));
        out.push(
          `**${word}:** ${shown.join(", ")}${list.length > shown.length ? `, and ${list.length - shown.length} more` : ""}`,
          "",
        );
      }
    } else {
      if (exposureRows.length) left.push("the exposure table");
      if (connectionRows.length) left.push("the reachability table");
    }

    if (plan.details) {
      out.push(...readDetails);
      if (notes.length) out.push(...notes, "");
    } else if (diagnostics.length || notes.length) left.push("the list of what could not be read");

    const shortened = left.length
      ? [`> [!WARNING]`, `> Shortened to fit GitHub's comment size limit: left out ${left.join(", ")}. ${pointer}`, ""]
      : [];
    const text = `${[...head, ...shortened, ...risks, ...out, footer].join("\n")}\n`;
    return { text, left };
  };

  const fits = (plan: Plan) => {
    const a = assemble(plan);
    return utf8Bytes(a.text) <= maxBytes ? a.text : null;
  };
  const all = Number.MAX_SAFE_INTEGER;
  const ladder: Plan[] = [
    { diagram: "auto", rows: all, details: true, risks: all },
    { diagram: "collapsed", rows: all, details: true, risks: all },
    { diagram: "none", rows: all, details: true, risks: all },
  ];
  for (const plan of ladder) {
    const text = fits(plan);
    if (text) return text;
  }
  // Tables only, cut to the most rows that fit.
  const most = (lo: number, hi: number, ok: (n: number) => boolean): number => {
    // The largest n in [lo, hi] with ok(n), given ok(lo); ok is monotone.
    while (lo < hi) {
      const mid = Math.floor((lo + hi + 1) / 2);
      if (ok(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const maxRows = Math.max(exposureRows.length, connectionRows.length);
  const tablesPlan = (rows: number): Plan => ({ diagram: "none", rows, details: true, risks: all });
  if (fits(tablesPlan(1))) return fits(tablesPlan(most(1, maxRows, (n) => !!fits(tablesPlan(n)))))!;
  // The verdict and the risk table, as much of it as fits, and where the rest is.
  const riskPlan = (risks: number): Plan => ({ diagram: "none", rows: 0, details: false, risks });
  if (fits(riskPlan(0))) return fits(riskPlan(most(0, riskRows.length, (n) => !!fits(riskPlan(n)))))!;
  return `${cutToBytes(assemble(riskPlan(0)).text, maxBytes - 1)}\n`;
}
