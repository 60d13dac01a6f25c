// The check run's page (output.text, the Checks tab): what a security engineer reviews a change by.
// Every finding with its rule id, severity, file:line (a link to the head commit) and environment, its
// message and fix, and, for a finding about a connection, the decision trace of both sides (which
// policy, rule and tier decided it); then what could not be read, and the comment's tables. GitHub
// keeps 65,535 characters: the page is put together from whole blocks (a finding, a list item, the
// comment) and what does not fit is counted in a closing line that says where the rest is, so no
// table, list or code block is ever cut in the middle.
import { codeLine, fenceFor, md } from "../report/escape.js";
import { linker } from "../report/markdown.js";
import type { ReviewOutput } from "../review/review.js";

/** GitHub's limit on output.text, in characters. */
export const CHECK_TEXT_MAX_CHARS = 65_535;

/** Room kept for the closing line that says what was left out. */
const POINTER_ROOM = 600;

const ICON = { critical: "🔴", high: "🟠", medium: "🟡", low: "🔵", info: "⚪" } as const;

/** A trace kept to this many characters (whole lines; the rest counted). */
const TRACE_MAX_CHARS = 4_000;

/** Untrusted text as a code block: each line cleaned, whole lines up to the budget, a fence it cannot close. */
function fenced(text: string): string {
  const kept: string[] = [];
  let size = 0;
  const lines = text.trimEnd().split("\n");
  for (const l of lines) {
    const line = /^ */.exec(l)![0].slice(0, 12) + codeLine(l, 400);
    if (size + line.length > TRACE_MAX_CHARS) {
      kept.push(`… ${lines.length - kept.length} more line(s)`);
      break;
    }
    kept.push(line);
    size += line.length + 1;
  }
  const body = kept.join("\n");
  const fence = fenceFor(body);
  return `${fence}text\n${body}\n${fence}`;
}

export function checkText(
  { result, verdict, traces = [] }: ReviewOutput,
  comment: string,
  options: { headSha?: string; repoUrl?: string; max?: number } = {},
): string {
  const max = options.max ?? CHECK_TEXT_MAX_CHARS;
  const link = linker(options);
  const traceOf = new Map(traces.map((t) => [t.finding, t]));
  const header = [
    `## Reachdiff: ${md(verdict.headline, 300)}`,
    "",
    `Risk **${result.risk}** (fails on: ${verdict.failOn}); ${result.findings.length.toLocaleString("en-US")} finding(s), ${result.exposures.length} exposure change(s), ${result.connections.length} reachability change(s), ${result.objects.length} object change(s).`,
  ].join("\n");

  type Kind = "problem" | "finding" | "comment";
  const blocks: { text: string; kind: Kind }[] = [];
  for (const u of verdict.unanalysed) blocks.push({ text: `- **Could not analyse:** ${md(u, 500)}`, kind: "problem" });
  for (const [i, d] of verdict.unreadable.entries())
    blocks.push({
      text: `${i ? "" : `### Manifests this change broke (${verdict.unreadable.length})\n\n`}- ${link(d.file, d.line)}: ${md(d.message, 500)}`,
      kind: "problem",
    });
  for (const [i, f] of result.findings.entries()) {
    const lines = [
      ...(i ? [] : [`### Findings (${result.findings.length})`, ""]),
      `#### ${i + 1}. ${ICON[f.severity]} ${f.severity} · \`${f.rule}\` · ${f.file ? link(f.file, f.line) : "no file"}${f.environment ? ` · environment ${md(f.environment, 80)}` : ""}`,
      "",
      `**${md(f.title, 200)}**: ${md(f.message, 1_000)}`,
      "",
      `Objects: ${f.objects.map((o) => md(o, 200)).join(", ") || "none"}`,
      "",
      `Fix: ${md(f.fix, 1_000)}`,
    ];
    const trace = traceOf.get(i);
    if (trace) {
      lines.push("", "Decision trace (as `reachdiff explain` gives it):");
      if (trace.base) lines.push("", "Base:", "", fenced(trace.base));
      if (trace.head) lines.push("", "Head:", "", fenced(trace.head));
    }
    blocks.push({ text: lines.join("\n"), kind: "finding" });
  }
  const body = comment.replace(/^<!--[^\n]*-->\n/, "").trim();
  if (body) blocks.push({ text: `---\n\n${body}`, kind: "comment" });

  const out = [header];
  let used = header.length;
  let rest: typeof blocks = [];
  for (const [n, b] of blocks.entries()) {
    if (used + 2 + b.text.length > max - POINTER_ROOM) {
      rest = blocks.slice(n);
      break;
    }
    out.push(b.text);
    used += 2 + b.text.length;
  }
  if (rest.length) {
    const count = (kind: Kind) => rest.filter((b) => b.kind === kind).length;
    const parts = [
      count("problem") ? `${count("problem").toLocaleString("en-US")} more problem(s)` : "",
      count("finding") ? `${count("finding").toLocaleString("en-US")} more finding(s)` : "",
      count("comment") ? "the pull-request comment's tables" : "",
    ].filter(Boolean);
    const head = options.headSha && /^[0-9a-f]{7,64}$/.test(options.headSha) ? options.headSha.slice(0, 12) : "<head>";
    out.push(
      `---\n\n**Not shown here** (GitHub keeps ${max.toLocaleString("en-US")} characters): ${parts.join(", ")}. The annotations mark the most severe findings at their lines; for the whole report, run \`reachdiff diff --base <base branch> --head ${head} --format json\` in a clone.`,
    );
  }
  return out.join("\n\n");
}
