// review(pr): the one path the App and the Action share. Check run in progress -> config from the
// base branch -> changed files (one request) -> both sides' manifests (one tarball each) -> the pure
// review -> sticky comment (unless a newer commit arrived or the pull request was closed) -> check run
// conclusion. Any failure (bad config, API error after retries, a commit gone, timeout) ends the check
// run with a message saying so; nothing is left in progress.
import { ConfigError } from "../config/load-config.js";
import { failedCheck, noManifestChanges, type CheckOutput, type ReviewSummary } from "./check-output.js";
import { adoptOrStartCheck, completeCheck, startCheck } from "./check-run.js";
import { changedFiles } from "./fetch-manifests.js";
import { fetchSides, reviewFetched, touchesReview } from "./fetch-sides.js";
import { RateLimited, rateLimitWait, RequestTimeout } from "./pacing.js";
import { readRepoConfig } from "./repo-config.js";
import { effectiveConfig, type Session } from "./session.js";
import { publishSticky, type StickyAction } from "./sticky-comment.js";
import { httpStatus, repoUrl, type GitHub, type PullRequestRef, type Repo } from "./types.js";

export interface Outcome {
  readonly status: "reviewed" | "no-manifest-change" | "stale" | "closed" | "failed";
  readonly check: CheckOutput;
  readonly output?: ReviewSummary;
  /** The comment body (also when it was not posted: the Action's job summary shows it). */
  readonly comment?: string;
  readonly commentAction?: StickyAction;
  readonly checkRunId?: number;
  readonly error?: string;
}

export class ReviewTimeout extends Error {}

export async function getPullRequest(gh: GitHub, repo: Repo, number: number): Promise<PullRequestRef> {
  const { data } = await gh.rest.pulls.get({ ...repo, pull_number: number });
  return {
    number,
    headSha: data.head.sha,
    baseSha: data.base.sha,
    baseRef: data.base.ref,
    fromFork: data.head.repo?.full_name !== data.base.repo.full_name,
    open: data.state === "open",
  };
}

/** What went wrong, in one sentence for a person: never headers, tokens or a stack. */
export function describeError(error: unknown): string {
  if (error instanceof ConfigError) return `The configuration is invalid: ${error.message}`;
  if (error instanceof ReviewTimeout) return error.message;
  const e = error as { message?: string; cause?: unknown; request?: { method?: string; url?: string } };
  const where =
    `${e?.request?.method ?? ""} ${(e?.request?.url ?? "").replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "")}`.trim();
  if (error instanceof RateLimited) {
    const call = error.what;
    return `${error.persistent ? `GitHub's rate limit still refused ${call} after retries` : `GitHub's rate limit asks to wait ${error.waitSeconds} s before ${call}, longer than Reachdiff waits`}. Try again later: re-run the check or comment \`/reachdiff\`.`;
  }
  if (error instanceof RequestTimeout || e?.cause instanceof RequestTimeout)
    return `GitHub did not answer${where ? ` ${where}` : ""} in time (after retries). Re-run the check or comment \`/reachdiff\` to try again.`;
  const status = httpStatus(error);
  if (rateLimitWait(error) !== undefined) return describeError(new RateLimited(0, where, true));
  if (status !== undefined)
    return `The GitHub API answered ${status} to ${where}${status >= 500 ? " (after retries)" : ""}: ${e.message ?? ""}`;
  return `Reachdiff failed: ${e?.message ?? String(error)}`;
}

export async function reviewPullRequest(session: Session, pr: PullRequestRef): Promise<Outcome> {
  const { gh, repo, settings, log } = session;
  let checkRunId: number | undefined;
  if (settings.checks) {
    try {
      checkRunId = await (settings.adoptCheck ? adoptOrStartCheck : startCheck)(
        gh,
        repo,
        pr.headSha,
        pr.number,
        settings.detailsUrl,
      );
    } catch (error) {
      // E.g. the head commit is gone (422), or GitHub keeps failing: review all the same, say so in the log.
      log.warn(
        `could not create the check run for #${pr.number} at ${pr.headSha.slice(0, 7)}: ${describeError(error)}`,
      );
    }
  }
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new ReviewTimeout(
          `Reachdiff timed out after ${Math.round(settings.timeoutMs / 1000)} s and did not finish this review. Re-run the check or comment \`/reachdiff\` to try again.`,
        ),
      ),
    settings.timeoutMs,
  );
  session.guard.signal = controller.signal;
  let outcome: Outcome;
  try {
    outcome = await analyse(session, pr, controller.signal);
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    session.guard.signal = undefined;
    outcome = (await whyGone(session, pr, reason)) ?? failed(reason);
    if (outcome.status === "failed")
      log.error(`review of #${pr.number} at ${pr.headSha.slice(0, 7)} failed: ${outcome.error}`);
  } finally {
    clearTimeout(timer);
    session.guard.signal = undefined;
  }
  if (checkRunId !== undefined) await finishCheck(session, checkRunId, outcome.check);
  log.info(`review of #${pr.number} at ${pr.headSha.slice(0, 7)}: ${outcome.status}, ${outcome.check.conclusion}`);
  return { ...outcome, checkRunId };
}

function failed(reason: unknown): Outcome {
  const message = describeError(reason);
  return {
    status: "failed",
    check: failedCheck(message, reason instanceof ReviewTimeout ? "timed_out" : "failure"),
    error: message,
  };
}

/**
 * A 404 or 422 while reviewing usually means the pull request moved on: closed (its branch deleted),
 * or force-pushed so that the reviewed commit is gone. Asks GitHub, and says which.
 */
async function whyGone(session: Session, pr: PullRequestRef, reason: unknown): Promise<Outcome | undefined> {
  const status = httpStatus(reason);
  const url = String((reason as { request?: { url?: string } } | null)?.request?.url ?? "");
  // Only the reads of the commits themselves (a 422 on a comment, say, is about something else).
  if ((status !== 404 && status !== 422) || !/\/(compare|tarball)\//.test(url)) return undefined;
  let now: PullRequestRef;
  try {
    now = await getPullRequest(session.gh, session.repo, pr.number);
  } catch {
    return undefined;
  }
  if (now.open === false) return closedOutcome();
  const message = `Commit ${pr.headSha.slice(0, 7)} or its base could not be read any more (${describeError(reason)}). Was the branch deleted or force-pushed?${now.headSha !== pr.headSha ? ` The pull request is now at ${now.headSha.slice(0, 7)}, which is reviewed separately.` : ""}`;
  if (now.headSha !== pr.headSha)
    return {
      status: "stale",
      check: { ...failedCheck(message, "neutral"), title: "Commit replaced while it was being reviewed" },
      error: message,
    };
  return { status: "failed", check: failedCheck(message), error: message };
}

function closedOutcome(check?: CheckOutput, comment?: string, output?: ReviewSummary): Outcome {
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

/** Concludes the check run; should GitHub refuse the full output, concludes it without annotations. */
async function finishCheck(session: Session, checkRunId: number, check: CheckOutput): Promise<void> {
  const { gh, repo, log } = session;
  try {
    await completeCheck(gh, repo, checkRunId, check);
  } catch (error) {
    log.error(`could not complete check run ${checkRunId}: ${describeError(error)}; completing it without annotations`);
    try {
      await completeCheck(gh, repo, checkRunId, {
        ...check,
        annotations: [],
        summary: `${check.summary}\n\n(The annotations could not be posted: ${describeError(error)})`.slice(-60_000),
      });
    } catch (again) {
      log.error(`could not complete check run ${checkRunId}: ${describeError(again)}`);
    }
  }
}

/** Whether to publish: not when a newer commit arrived or the pull request was closed meanwhile. */
async function moved(session: Session, pr: PullRequestRef): Promise<{ newer?: string; closed?: boolean }> {
  const now = await getPullRequest(session.gh, session.repo, pr.number);
  if (now.open === false) return { closed: true };
  return now.headSha !== pr.headSha ? { newer: now.headSha } : {};
}

function staleCheck(check: CheckOutput, newer: string): CheckOutput {
  return {
    ...check,
    summary: `A newer commit (${newer.slice(0, 7)}) was pushed while this review ran; the pull request comment describes the newest commit, not this one.\n\n${check.summary}`,
  };
}

async function analyse(session: Session, pr: PullRequestRef, signal: AbortSignal): Promise<Outcome> {
  const { gh, repo, settings, botLogin } = session;
  const { config: fileConfig } = await readRepoConfig(gh, repo, pr.baseSha, settings.configPath);
  const config = effectiveConfig(fileConfig, settings);
  const mode = config.comment.mode;
  const changes = await changedFiles(gh, repo, pr.baseSha, pr.headSha);
  if (changes.complete && !touchesReview(changes.paths, config)) {
    // The quick, cheap answer: no archive is fetched. An existing comment is corrected; none is created.
    const quick = noManifestChanges(pr.headSha);
    const now = await moved(session, pr);
    if (now.closed) return closedOutcome(quick.check, quick.comment);
    if (now.newer) return { status: "stale", check: staleCheck(quick.check, now.newer), comment: quick.comment };
    const posted = await publishSticky(gh, repo, pr.number, quick.comment, { mode, botLogin, onlyIfExists: true });
    return { status: "no-manifest-change", check: quick.check, comment: quick.comment, commentAction: posted.action };
  }
  const [base, head] = await fetchSides(gh, repo, changes.mergeBase, pr.headSha, config);
  signal.throwIfAborted();
  const output = await reviewFetched(
    {
      base,
      head,
      config,
      headSha: pr.headSha,
      repoUrl: repoUrl(repo, settings.serverUrl),
      reportUrl: settings.detailsUrl,
    },
    { thread: settings.reviewThread, signal, memoryMb: settings.reviewMemoryMb },
  );
  signal.throwIfAborted();
  const now = await moved(session, pr);
  if (now.closed) return closedOutcome(output.check, output.comment, output);
  if (now.newer)
    return { status: "stale", output, check: staleCheck(output.check, now.newer), comment: output.comment };
  const posted = await publishSticky(gh, repo, pr.number, output.comment, { mode, botLogin });
  return { status: "reviewed", output, check: output.check, comment: output.comment, commentAction: posted.action };
}
