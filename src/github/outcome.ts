// What a review ends as (Outcome), and the check run a review concludes with when it did not (or
// could not) finish: stopped by a newer push, a close, a retarget or a shutdown; failed; timed out.
import { type CheckOutput, failedCheck, type ReviewSummary } from "./check-output.js";
import { describeError, ReviewTimeout } from "./errors.js";
import { SHUTDOWN_MESSAGE, type Stop } from "./lifecycle.js";
import type { StickyAction } from "./sticky-comment.js";
import type { PullRequestRef } from "./types.js";

export interface Outcome {
  readonly status:
    | "reviewed"
    | "no-manifest-change"
    | "stale"
    | "closed"
    | "failed"
    /** Not reviewed: the head was replaced first (neutral, "superseded by <sha>"). */
    | "superseded"
    /** Not reviewed: this head already has a verdict (a trigger that reviews once per head). */
    | "duplicate"
    /** Stopped for a review of the same head queued next (a retarget), which takes over the check run. */
    | "handed-over"
    /** Stopped by a shutdown: the check run says how to re-run it. */
    | "cancelled"
    /** Not reviewed: the repository has no configuration file and the App reviews only those that do. */
    | "not-configured";
  readonly check: CheckOutput;
  readonly output?: ReviewSummary;
  /** The comment body (also when it was not posted: the Action's job summary shows it). */
  readonly comment?: string;
  readonly commentAction?: StickyAction;
  readonly checkRunId?: number;
  /** The sticky comment's id, when one was posted or updated. */
  readonly commentId?: number;
  /** The token could not write (403): the review was computed only (the Action says so). */
  readonly readOnly?: boolean;
  readonly error?: string;
}

/** Conclusions that are a verdict on the change (not a stop, a time-out or a superseded head). */
export const isVerdict = (conclusion: string | null | undefined) =>
  conclusion === "success" || conclusion === "failure";

export const noCheck = (title: string): CheckOutput => ({ conclusion: "neutral", title, summary: "", annotations: [] });

export function stopped(pr: PullRequestRef, reason: Stop): Outcome {
  switch (reason.why) {
    case "push":
      return supersededOutcome(pr, reason.newer ?? "a newer commit");
    case "closed":
      return closedOutcome();
    case "retarget":
      return { status: "handed-over", check: noCheck("Handed over") };
    case "shutdown":
      return { status: "cancelled", check: shutdownCheck(), error: SHUTDOWN_MESSAGE };
  }
}

export const shutdownCheck = (): CheckOutput => ({
  conclusion: "cancelled",
  title: "Reachdiff was stopped before it finished",
  summary: SHUTDOWN_MESSAGE,
  annotations: [],
});

export function supersededOutcome(pr: PullRequestRef, newer: string): Outcome {
  const text = `Commit ${pr.headSha.slice(0, 7)} is no longer the head of the pull request: superseded by ${newer.slice(0, 7)}, which is reviewed instead.`;
  return {
    status: "superseded",
    check: { conclusion: "neutral", title: `Superseded by ${newer.slice(0, 7)}`, summary: text, annotations: [] },
  };
}

export function failed(reason: unknown): Outcome {
  const message = describeError(reason);
  return {
    status: "failed",
    check: failedCheck(message, reason instanceof ReviewTimeout ? "timed_out" : "failure"),
    error: message,
  };
}

export function closedOutcome(check?: CheckOutput, comment?: string, output?: ReviewSummary): Outcome {
  const note = "The pull request was closed while this review ran, so no comment was posted.";
  const base = check ?? {
    conclusion: "neutral" as const,
    title: "Pull request closed during the review",
    summary: "",
    annotations: [],
  };
  return {
    status: "closed",
    output,
    comment,
    check: { ...base, summary: base.summary ? `${note}\n\n${base.summary}` : note },
  };
}

export function staleCheck(check: CheckOutput, newer: string): CheckOutput {
  return {
    ...check,
    summary: `A newer commit (${newer.slice(0, 7)}) was pushed while this review ran; the pull request comment describes the newest commit, not this one.\n\n${check.summary}`,
  };
}
