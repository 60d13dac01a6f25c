// What a review publishes on GitHub: the pull-request comment, and the check run's conclusion, title,
// summary and annotations with GitHub's field names and limits. The verdict comes from the shared
// review path (review/review.ts); this module only says it GitHub's way.
import type { Severity } from "../config/schema.js";
import { diffJson } from "../report/diff-json.js";
import { md } from "../report/escape.js";
import { marker, renderComment } from "../report/markdown.js";
import type { DiffResult } from "../rules/judge.js";
import { commentVerdict, type ReviewOutput, type Verdict } from "../review/review.js";
import { checkText } from "./check-text.js";

/** GitHub's limits: a comment body of 65,536 (counted in bytes to be safe), a check summary of 65,535. */
const COMMENT_MAX_BYTES = 60_000;
const SUMMARY_MAX_CHARS = 60_000;
export const CHECK_NAME = "reachdiff";

export type Conclusion = "success" | "failure" | "neutral" | "timed_out" | "cancelled";

export interface Annotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: "notice" | "warning" | "failure";
  readonly title: string;
  readonly message: string;
  /** Shown under "Raw output" of the annotation: the decision trace of a finding about a connection. */
  readonly raw_details?: string;
}

export interface CheckOutput {
  readonly conclusion: Conclusion;
  readonly title: string;
  readonly summary: string;
  /** The check run's page body (output.text, up to 65,535 characters): the full review's tables. */
  readonly text?: string;
  readonly annotations: readonly Annotation[];
}

/** What a review publishes: plain data (it crosses threads). */
export interface ReviewSummary {
  readonly risk: Severity | "none";
  readonly findings: number;
  /** True when the check fails (the verdict's `failed`). */
  readonly failed: boolean;
  readonly comment: string;
  readonly check: CheckOutput;
  /** The machine-readable report (the CLI's `diff --format json`). */
  readonly report: object;
  /** Nothing worth a comment: no exposure or reachability change, no finding, no manifest that cannot be read. */
  readonly quiet: boolean;
}

const LEVEL: Record<Severity, Annotation["annotation_level"]> = {
  critical: "failure",
  high: "failure",
  medium: "warning",
  low: "notice",
  info: "notice",
};

const cell = (s: string) => md(s, 2_000);
const where = (file: string, line?: number) => `${file}${line ? `:${line}` : ""}`;

function truncate(text: string, max: number): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max - 80)}\n\n…(truncated; the full list is in the comment and the report)\n`;
}

function riskTable(result: DiffResult, verdict: Verdict): string {
  const lines = [`**Risk: ${result.risk}** (fails on: ${verdict.failOn})`, ""];
  if (verdict.unanalysed.length)
    lines.push("**Could not analyse:**", ...verdict.unanalysed.map((u) => `- ${cell(u)}`), "");
  if (result.findings.length) {
    lines.push("| Severity | Rule | Finding | Where |", "| --- | --- | --- | --- |");
    for (const f of result.findings)
      lines.push(
        `| ${f.severity} | \`${f.rule}\` | ${cell(f.message)} | ${f.file ? cell(where(f.file, f.line)) : ""} |`,
      );
  } else lines.push("No risk findings.");
  lines.push(
    "",
    // Counted as the comment lists them: a renamed workload's same connections and entry points are one rename.
    `${(result.renames?.exposures ?? result.exposures).length} exposure change(s), ${(result.renames?.connections ?? result.connections).length} reachability change(s), ${result.renames?.list.length ? `${result.renames.list.length} workload(s) renamed, ` : ""}${result.objects.length} object change(s).`,
  );
  const broken = verdict.unreadable;
  if (broken.length)
    lines.push(
      "",
      `**${broken.length} manifest problem(s) in the head:**`,
      ...broken.map((d) => `- ${cell(`${where(d.file, d.line)}: ${d.message}`)}`),
    );
  return truncate(lines.join("\n"), SUMMARY_MAX_CHARS);
}

function annotations(result: DiffResult, verdict: Verdict, traces: ReviewOutput["traces"] = []): Annotation[] {
  const out: Annotation[] = [];
  const traceOf = new Map(traces.map((t) => [t.finding, t]));
  for (const [i, f] of result.findings.entries()) {
    if (!f.file) continue;
    const line = Math.max(1, f.line ?? 1);
    const trace = traceOf.get(i);
    const details =
      trace && [trace.base && `Base:\n${trace.base}`, trace.head && `Head:\n${trace.head}`].filter(Boolean);
    out.push({
      path: f.file,
      start_line: line,
      end_line: line,
      annotation_level: LEVEL[f.severity],
      title: `${f.severity}: ${f.title} (${f.rule})${f.environment === undefined ? "" : ` [${f.environment}]`}`.slice(
        0,
        255,
      ),
      message: `${f.message}\n\nFix: ${f.fix}`.slice(0, 60_000),
      ...(details?.length ? { raw_details: details.join("\n").slice(0, 60_000) } : {}),
    });
  }
  for (const d of verdict.unreadable) {
    const line = Math.max(1, d.line);
    out.push({
      path: d.file,
      start_line: line,
      end_line: line,
      annotation_level: "failure",
      title: "manifest cannot be read",
      message: d.message.slice(0, 60_000),
    });
  }
  return out;
}

/** The verdict as a check conclusion. */
function conclusionOf(verdict: Verdict): Conclusion {
  return verdict.failed ? "failure" : verdict.reason === "unanalysed" ? "neutral" : "success";
}

/** A review as GitHub shows it: the comment, the check run, the report. */
export function publishedReview(
  output: ReviewOutput,
  options: { headSha?: string; repoUrl?: string; reportUrl?: string } = {},
): ReviewSummary {
  const { result, verdict } = output;
  const comment = renderComment(result, {
    ...options,
    maxBytes: COMMENT_MAX_BYTES,
    verdict: commentVerdict(verdict),
  });
  return {
    risk: result.risk,
    findings: result.findings.length,
    failed: verdict.failed,
    comment,
    check: {
      conclusion: conclusionOf(verdict),
      title: verdict.headline.slice(0, 250),
      summary: riskTable(result, verdict),
      // The check run's page: every finding with its rule, place and decision trace, then the comment's tables.
      text: checkText(output, comment, options),
      annotations: annotations(result, verdict, output.traces),
    },
    report: diffJson(result),
    quiet:
      !result.exposures.length &&
      !result.connections.length &&
      !result.findings.length &&
      !result.diagnostics.head.some((d) => d.severity === "error"),
  };
}

/** The quick answer for a change that touches no watched manifest. */
export function noManifestChanges(headSha?: string): { comment: string; check: CheckOutput } {
  const text = "This pull request changes no watched Kubernetes manifest: nothing to review.";
  return {
    comment: `${marker(headSha)}\n### Reachdiff${headSha ? ` as of ${headSha.slice(0, 7)}` : ""}\n\n${text}\n`,
    check: { conclusion: "success", title: "No watched manifest changed", summary: text, annotations: [] },
  };
}

/** A check output for a review that could not finish: it says why, never stays silent. */
export function failedCheck(message: string, conclusion: Conclusion = "failure"): CheckOutput {
  const title = conclusion === "timed_out" ? "Reachdiff timed out" : "Reachdiff could not review this change";
  return { conclusion, title, summary: truncate(message, SUMMARY_MAX_CHARS), annotations: [] };
}
