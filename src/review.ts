// The shared review path of the GitHub App and the Action: the manifests of both sides and the base
// branch's configuration -> the analysis, the pull-request comment and the check-run output.
// Pure: no I/O and no GitHub types; the callers fetch and publish.
import { analyzeDiff, type DiffResult } from "./analysis/analyze.js";
import { analyzeEnvironments, type EnvironmentPair } from "./analysis/environments.js";
import type { Config, Severity } from "./config/schema.js";
import { Diagnostics, type Diagnostic } from "./manifests/diagnostics.js";
import { parseManifestFiles, type ManifestFile } from "./manifests/load.js";
import { buildCluster } from "./model/build.js";
import type { Cluster } from "./model/types.js";
import { diffJson } from "./report/diff-json.js";
import { headline } from "./report/diff-text.js";
import { explain, explanationText } from "./analysis/explain.js";
import type { Protocol } from "./core/port-set.js";
import { reaches } from "./rules/index.js";
import { exposureFn, markerLine, renderComment } from "./github/adapters.js";

/** GitHub's limits: a comment body of 65,536 (counted in bytes to be safe), a check summary of 65,535. */
export const COMMENT_MAX_BYTES = 60_000;
export const SUMMARY_MAX_CHARS = 60_000;
export const CHECK_NAME = "reachdiff";

export type Conclusion = "success" | "failure" | "neutral" | "timed_out";

export interface Annotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: "notice" | "warning" | "failure";
  readonly title: string;
  readonly message: string;
}

export interface CheckOutput {
  readonly conclusion: Conclusion;
  readonly title: string;
  readonly summary: string;
  readonly annotations: readonly Annotation[];
}

/** A side to review: its manifest files, read raw, or a cluster already built from them (rendered). */
export type ReviewSide = readonly ManifestFile[] | Cluster;

export interface ReviewInput {
  readonly base: ReviewSide;
  readonly head: ReviewSide;
  /** From the base branch, never from the head. */
  readonly config: Config;
  readonly headSha?: string;
  readonly repoUrl?: string;
  readonly reportUrl?: string;
  /**
   * The environments of a repository that deploys several (src/environments.ts, environmentPairs): each
   * analysed as its own cluster. When given, `base` and `head` are not read.
   */
  readonly environments?: readonly EnvironmentPair[];
  /** Problems met while fetching the files (too big, not UTF-8), reported like any manifest problem (with files only: a built cluster holds its own). */
  readonly problems?: { readonly base?: readonly Diagnostic[]; readonly head?: readonly Diagnostic[] };
}

export interface ReviewOutput {
  readonly result: DiffResult;
  readonly risk: Severity | "none";
  readonly findings: number;
  /** True when the check fails: the risk reaches fail-on, or the head has manifests that cannot be read. */
  readonly failed: boolean;
  readonly comment: string;
  readonly check: CheckOutput;
  /** The machine-readable report (the CLI's `diff --format json`). */
  readonly report: object;
}

const LEVEL: Record<Severity, Annotation["annotation_level"]> = {
  critical: "failure",
  high: "failure",
  medium: "warning",
  low: "notice",
  info: "notice",
};

const cell = (s: string) =>
  s
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[\r\n]+/g, " ")
    .replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"))
    .replace(/@/g, "@\u200b");

function side(files: ReviewSide, config: Config, problems: readonly Diagnostic[] = []): Cluster {
  if (!isFileList(files)) return files;
  const diagnostics = new Diagnostics();
  for (const p of problems) diagnostics.add(p);
  return buildCluster(
    parseManifestFiles(files, diagnostics),
    { defaultNamespace: config["default-namespace"] },
    diagnostics,
  );
}

const isFileList = (s: ReviewSide): s is readonly ManifestFile[] => Array.isArray(s);

const key = (d: Diagnostic) => `${d.file}\0${d.message}`;

/** Errors the head has that the base did not: manifests this change broke. */
function newErrors(result: DiffResult): Diagnostic[] {
  const before = new Set(result.diagnostics.base.filter((d) => d.severity === "error").map(key));
  return result.diagnostics.head.filter((d) => d.severity === "error" && !before.has(key(d)));
}

function truncate(text: string, max: number): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max - 80)}\n\n…(truncated; the full list is in the comment and the report)\n`;
}

export function riskTable(result: DiffResult, failOn: Severity | "none"): string {
  const lines = [`**Risk: ${result.risk}** (fails on: ${failOn})`, ""];
  if (result.findings.length) {
    lines.push("| Severity | Rule | Finding | Where |", "| --- | --- | --- | --- |");
    for (const f of result.findings)
      lines.push(
        `| ${f.severity} | \`${f.rule}\` | ${cell(f.message)} | ${f.file ? cell(`${f.file}${f.line ? `:${f.line}` : ""}`) : ""} |`,
      );
  } else lines.push("No risk findings.");
  lines.push(
    "",
    `${result.exposures.length} exposure change(s), ${result.connections.length} reachability change(s), ${result.objects.length} object change(s).`,
  );
  const broken = newErrors(result);
  if (broken.length)
    lines.push(
      "",
      `**${broken.length} manifest problem(s) in the head:**`,
      ...broken.map((d) => `- ${cell(`${d.file}${d.line ? `:${d.line}` : ""}: ${d.message}`)}`),
    );
  return truncate(lines.join("\n"), SUMMARY_MAX_CHARS);
}

export function annotations(result: DiffResult): Annotation[] {
  const out: Annotation[] = [];
  for (const f of result.findings) {
    if (!f.file) continue;
    const line = Math.max(1, f.line ?? 1);
    out.push({
      path: f.file,
      start_line: line,
      end_line: line,
      annotation_level: LEVEL[f.severity],
      title: `${f.severity}: ${f.title}${f.environment === undefined ? "" : ` [${f.environment}]`}`.slice(0, 255),
      message: `${f.message}\n\nFix: ${f.fix}`.slice(0, 60_000),
    });
  }
  for (const d of newErrors(result)) {
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

/** What a review publishes: the output without the analysis objects (plain data, it crosses threads). */
export type ReviewSummary = Omit<ReviewOutput, "result">;

export function review(input: ReviewInput): ReviewOutput {
  const { config } = input;
  const result = input.environments
    ? analyzeEnvironments(input.environments, config, exposureFn)
    : analyzeDiff(
        side(input.base, config, input.problems?.base),
        side(input.head, config, input.problems?.head),
        config,
        exposureFn,
      );
  const failOn = config["fail-on"];
  const broken = newErrors(result);
  const riskFails = reaches(result.risk, failOn);
  const failed = riskFails || broken.length > 0;
  const title =
    riskFails || !broken.length
      ? headline(result)
      : `Could not read ${broken.length} manifest problem(s) in the head: ${broken[0].file}${broken[0].line ? `:${broken[0].line}` : ""}: ${broken[0].message}`;
  return {
    result,
    risk: result.risk,
    findings: result.findings.length,
    failed,
    comment: renderComment(result, {
      repoUrl: input.repoUrl,
      headSha: input.headSha,
      reportUrl: input.reportUrl,
      maxBytes: COMMENT_MAX_BYTES,
    }),
    check: {
      conclusion: failed ? "failure" : "success",
      title: title.slice(0, 250),
      summary: riskTable(result, failOn),
      annotations: annotations(result),
    },
    report: diffJson(result),
  };
}

/** The quick answer for a change that touches no watched manifest. */
export function noManifestChanges(headSha?: string): { comment: string; check: CheckOutput } {
  const text = "This pull request changes no watched Kubernetes manifest: nothing to review.";
  return {
    comment: `${markerLine(headSha)}\n### Reachdiff${headSha ? ` as of ${headSha.slice(0, 7)}` : ""}\n\n${text}\n`,
    check: { conclusion: "success", title: "No watched manifest changed", summary: text, annotations: [] },
  };
}

/** A check output for a review that could not finish: it says why, never stays silent. */
export function failedCheck(message: string, conclusion: Conclusion = "failure"): CheckOutput {
  const title = conclusion === "timed_out" ? "Reachdiff timed out" : "Reachdiff could not review this change";
  return { conclusion, title, summary: truncate(message, SUMMARY_MAX_CHARS), annotations: [] };
}

/** `/reachdiff explain`: which policies allow or deny one connection in a snapshot (throws UnknownEndpoint). */
export function explainConnection(
  files: ReviewSide,
  config: Config,
  from: string,
  to: string,
  port?: { protocol: Protocol; port?: number },
): string {
  return explanationText(explain(side(files, config), from, to, port));
}
