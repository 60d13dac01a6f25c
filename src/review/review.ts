// The one review path of every door (the CLI, the Action, the App): the clusters of both sides and
// the configuration in, the analysis and its verdict out. Pure: no I/O and nothing of GitHub; the
// doors read the sides and say the verdict their own way (an exit code, a check run).
import { analyzeDiff, type ExposureFn } from "../analysis/analyze.js";
import { exposureOf } from "../analysis/exposure-of.js";
import type { Config, Severity } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { Cluster } from "../model/types.js";
import { headline } from "../report/diff-text.js";
import { reaches } from "../rules/index.js";
import { judge, type DiffResult } from "../rules/judge.js";
import { diffEnvironments, type EnvironmentPair } from "./environments.js";

/**
 * What a review compares: the base and the head of one cluster, or of each environment a repository
 * deploys (each its own cluster, analysed alone: review/environments.ts).
 */
export type ReviewInput = {
  /** From the base branch (or the command line), never from the head. */
  readonly config: Config;
} & ({ readonly base: Cluster; readonly head: Cluster } | { readonly environments: readonly EnvironmentPair[] });

/** Why a review passes or fails, in the terms every door maps to its own (exit code, check conclusion). */
export interface Verdict {
  readonly risk: Severity | "none";
  readonly failOn: Severity | "none";
  /** The risk reaches fail-on. */
  readonly risky: boolean;
  /** Problems the head has that the base did not: manifests this change broke. */
  readonly unreadable: readonly Diagnostic[];
  /**
   * The one reason that decides, most serious first: nothing could be analysed, the head broke
   * manifests, the risk reaches fail-on, or none of these.
   */
  readonly reason: "unanalysed" | "unreadable" | "risk" | "ok";
  /** The review fails: the risk reaches fail-on, or the head broke manifests. */
  readonly failed: boolean;
  /** One line that says it, first the reason that decides. */
  readonly headline: string;
}

export interface ReviewOutput {
  readonly result: DiffResult;
  readonly verdict: Verdict;
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
  const risky = reaches(result.risk, failOn);
  const reason = unreadable.length ? "unreadable" : risky ? "risk" : "ok";
  return {
    risk: result.risk,
    failOn,
    risky,
    unreadable,
    reason,
    failed: risky || unreadable.length > 0,
    headline:
      risky || !unreadable.length
        ? headline(result)
        : `Could not read ${unreadable.length} manifest problem(s) in the head: ${where(unreadable[0])}: ${unreadable[0].message}`,
  };
}

export function review(input: ReviewInput): ReviewOutput {
  const result =
    "environments" in input
      ? diffEnvironments(input.environments, input.config)
      : diffClusters(input.base, input.head, input.config);
  return { result, verdict: verdictOf(result, input.config) };
}
