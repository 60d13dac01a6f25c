// The one review path of every door (the CLI, the Action, the App): the clusters of both sides and
// the configuration in, the analysis and its verdict out. Pure: no I/O and nothing of GitHub; the
// doors read the sides and say the verdict their own way (an exit code, a check run).
import { analyzeDiff, type ExposureFn } from "../analysis/analyze.js";
import { exposureOf } from "../analysis/exposure-of.js";
import type { Config, Severity } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { Cluster } from "../model/types.js";
import { headline } from "../report/diff-text.js";
import type { CommentOptions } from "../report/markdown.js";
import { reaches } from "../rules/index.js";
import { judge, type DiffResult } from "../rules/judge.js";
import { couldNotAnalyse, diffEnvironments, type EnvironmentPair } from "./environments.js";
import { type FindingTrace, findingTraces } from "./traces.js";

/**
 * What a review compares: the base and the head of one cluster, or of each environment a repository
 * deploys (each its own cluster, analysed alone: review/environments.ts).
 */
export type ReviewInput = {
  /** From the base branch (or the command line), never from the head. */
  readonly config: Config;
  /** What each side read (the globs, the folder), named when nothing could be analysed. */
  readonly read?: { readonly base?: string; readonly head?: string };
  /** Decision traces for up to this many findings about a connection (the check run shows them); none by default. */
  readonly traces?: number;
} & ({ readonly base: Cluster; readonly head: Cluster } | { readonly environments: readonly EnvironmentPair[] });

/** Why a review passes or fails, in the terms every door maps to its own (exit code, check conclusion). */
export interface Verdict {
  readonly risk: Severity | "none";
  readonly failOn: Severity | "none";
  /** The risk reaches fail-on. */
  readonly risky: boolean;
  /** Why (a side of an environment) could not be analysed; empty when everything could. */
  readonly unanalysed: readonly string[];
  /** Problems the head has that the base did not: manifests this change broke. */
  readonly unreadable: readonly Diagnostic[];
  /**
   * The one reason that decides, most serious first: nothing could be analysed, the head broke
   * manifests, the risk reaches fail-on, or none of these.
   */
  readonly reason: "unanalysed" | "unreadable" | "risk" | "ok";
  /** The review fails: the risk reaches fail-on, the head broke manifests, or (with fail-on-unanalysed) nothing could be analysed. */
  readonly failed: boolean;
  /** One line that says it, first the reason that decides. */
  readonly headline: string;
}

export interface ReviewOutput {
  readonly result: DiffResult;
  readonly verdict: Verdict;
  /** Why the traffic of the first findings about a connection is decided as it is (review/traces.ts). */
  readonly traces?: readonly FindingTrace[];
}

/** The analysis of a diff and its judgement (the rules' findings and the risk). */
export function diffClusters(
  base: Cluster,
  head: Cluster,
  config: Config,
  exposure: ExposureFn = exposureOf,
): DiffResult {
  return judge(analyzeDiff(base, head, config, exposure), config);
}

const key = (d: Diagnostic) => `${d.file}\0${d.message}`;

/** Errors the head has that the base did not: manifests this change broke. */
function newErrors(result: DiffResult): Diagnostic[] {
  const before = new Set(result.diagnostics.base.filter((d) => d.severity === "error").map(key));
  return result.diagnostics.head.filter((d) => d.severity === "error" && !before.has(key(d)));
}

const where = (d: Diagnostic) => `${d.file}${d.line ? `:${d.line}` : ""}`;

export function verdictOf(result: DiffResult, config: Config): Verdict {
  const failOn = config["fail-on"];
  const unreadable = newErrors(result);
  const unanalysed = result.unanalysed ?? [];
  const risky = reaches(result.risk, failOn);
  const reason = unanalysed.length ? "unanalysed" : unreadable.length ? "unreadable" : risky ? "risk" : "ok";
  return {
    risk: result.risk,
    failOn,
    risky,
    unanalysed,
    unreadable,
    reason,
    failed: risky || unreadable.length > 0 || (unanalysed.length > 0 && config["fail-on-unanalysed"]),
    headline:
      reason !== "unreadable"
        ? headline(result)
        : `Could not read ${unreadable.length} manifest problem(s) in the head: ${where(unreadable[0])}: ${unreadable[0].message}`,
  };
}

/** The verdict as the comment's first line says it (the same for the App, the Action and the CLI). */
export function commentVerdict(verdict: Verdict): NonNullable<CommentOptions["verdict"]> {
  return {
    failed: verdict.failed,
    failOn: verdict.failOn,
    ...(verdict.reason === "risk" || verdict.reason === "ok" ? {} : { reason: verdict.headline }),
  };
}

/** Each side that could not be analysed, named (with its environment), and what was read. */
function unanalysedSides(pairs: readonly EnvironmentPair[], read: ReviewInput["read"] = {}): string[] {
  return pairs.flatMap((p) =>
    (["base", "head"] as const).flatMap((side) => {
      const cluster = p[side];
      const why = cluster ? couldNotAnalyse(cluster) : null;
      return why ? [`${p.name ? `${p.name}, ` : ""}${side}: ${why}${read[side] ? ` from ${read[side]}` : ""}`] : [];
    }),
  );
}

export function review(input: ReviewInput): ReviewOutput {
  const pairs = "environments" in input ? input.environments : [{ name: "", base: input.base, head: input.head }];
  const judged =
    "environments" in input
      ? diffEnvironments(input.environments, input.config)
      : diffClusters(input.base, input.head, input.config);
  const unanalysed = unanalysedSides(pairs, input.read);
  const result = unanalysed.length ? { ...judged, unanalysed } : judged;
  return {
    result,
    verdict: verdictOf(result, input.config),
    traces: input.traces ? findingTraces(result, pairs, input.traces) : undefined,
  };
}
