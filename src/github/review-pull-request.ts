// review(pr): the one path the App and the Action share. Check run in progress -> config from the
// base branch -> changed files (one request) -> both sides' manifests (one tarball each) -> the pure
// review -> sticky comment (unless a newer commit arrived or the pull request was closed) -> check run
// conclusion. Any failure (bad config, API error after retries, a commit gone, timeout) ends the check
// run with a message saying so; nothing is left in progress. This module opens and concludes the check
// run; the work between is analyse-pull-request.ts, what it can end as is outcome.ts.
import { type CheckOutput, failedCheck } from "./check-output.js";
import { completeCheck, externalId } from "./check-run.js";
import { analyse } from "./analyse-pull-request.js";
import { cannotWrite, describeError, ReviewTimeout } from "./errors.js";
import {
  adoptOrCreateCheckRun,
  createCheckRun,
  isSuperseded,
  ourCheckRuns,
  SHUTDOWN_MESSAGE,
  Stop,
} from "./lifecycle.js";
import {
  closedOutcome,
  failed,
  isVerdict,
  noCheck,
  type Outcome,
  shutdownCheck,
  stopped,
  supersededOutcome,
} from "./outcome.js";
import { readRepoConfig } from "./repo-config.js";
import type { Session } from "./session.js";
import { httpStatus, type GitHub, type PullRequestRef, type Repo } from "./types.js";

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

export interface ReviewOptions {
  /**
   * Aborted when the review is no longer wanted; its reason, a Stop, says what to do with the check run:
   * a newer push concludes it neutral ("superseded by <sha>"), a close neutral, a retarget hands it to
   * the review queued next (left in progress, adopted), a shutdown concludes it cancelled with how to
   * re-run. Defaults to the session's signal.
   */
  readonly signal?: AbortSignal;
  /**
   * Review this head only if it has no finished verdict (success or failure) for this pull request yet:
   * for triggers that do not ask for a new verdict (ready_for_review, a suite requested, the backfill on
   * install, a redelivered push).
   */
  readonly once?: boolean;
}

/** external_id of the check runs of merge-queue groups (their head commit is theirs alone). */
const MERGE_GROUP_EXTERNAL_ID = "merge_group";

const externalIdOf = (pr: PullRequestRef) => (pr.mergeGroup ? MERGE_GROUP_EXTERNAL_ID : externalId(pr.number));
const what = (pr: PullRequestRef) =>
  `${pr.mergeGroup ? `merge group ${pr.mergeGroup}` : `#${pr.number}`} at ${pr.headSha.slice(0, 7)}`;

/**
 * The review of one pull request's head (or one merge-queue group): the entry point of every trigger,
 * the App's webhooks, the Action's events and a queue's workers alike. Never throws for GitHub's or
 * the content's faults: the check run (when `settings.checks`) always ends concluded, or is handed over.
 */
export async function reviewPullRequest(
  session: Session,
  pr: PullRequestRef,
  options: ReviewOptions = {},
): Promise<Outcome> {
  const { gh, repo, settings, log } = session;
  const stop = options.signal ?? session.signal;
  const start = { headSha: pr.headSha, externalId: externalIdOf(pr), detailsUrl: settings.detailsUrl };
  if (stop?.aborted && stop.reason instanceof Stop && stop.reason.why === "shutdown") return shutDown(session, pr);
  if (!pr.mergeGroup) {
    // Before any work: a head that is no longer the pull request's head is not reviewed.
    let now: { newer?: string; closed?: boolean } = {};
    try {
      now = await isSuperseded(gh, repo, pr);
    } catch (error) {
      log.warn(`could not read #${pr.number}: ${describeError(error)}; reviewing all the same`);
    }
    if (now.closed) {
      log.info(`review of ${what(pr)}: the pull request is closed; nothing to do`);
      return closedOutcome();
    }
    if (now.newer) return superseded(session, pr, now.newer);
  }
  if (settings.requireConfig) {
    // An organisation-wide install that reviews only the repositories that opted in with a config file.
    const { found } = await readRepoConfig(gh, repo, pr.baseSha, settings.configPath).catch(() => ({ found: true }));
    if (!found) {
      log.info(
        `review of ${what(pr)}: no configuration file in the base branch; not reviewed (REACHDIFF_REQUIRE_CONFIG)`,
      );
      return { status: "not-configured", check: noCheck("Not configured") };
    }
  }
  let checkRunId: number | undefined;
  let checkUrl: string | null | undefined;
  let readOnly = false;
  if (settings.checks) {
    try {
      const run = await adoptOrCreateCheckRun(gh, repo, start, { skipIfReviewed: options.once });
      if (run.id === undefined && run.completed && isVerdict(run.completed.conclusion)) {
        log.info(`review of ${what(pr)}: already reviewed (check run ${run.completed.id}); nothing to do`);
        return { status: "duplicate", check: noCheck("Already reviewed"), checkRunId: run.completed.id };
      }
      if (run.id === undefined) {
        // Finished without a verdict (cancelled, timed out, superseded, failed to start): review again.
        const again = await createCheckRun(gh, repo, start);
        [checkRunId, checkUrl] = [again.id, again.htmlUrl];
      } else {
        [checkRunId, checkUrl] = [run.id, run.htmlUrl];
        if (run.adopted) log.info(`review of ${what(pr)}: took over check run ${run.id}, left in progress earlier`);
      }
    } catch (error) {
      // E.g. the head commit is gone (422), or GitHub keeps failing: review all the same, say so in the log.
      readOnly = cannotWrite(error);
      log.warn(`could not create the check run for ${what(pr)}: ${describeError(error)}`);
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
  const signal = stop ? AbortSignal.any([controller.signal, stop]) : controller.signal;
  session.guard.signal = signal;
  let outcome: Outcome;
  try {
    outcome = await analyse(session, pr, signal, checkUrl ?? undefined);
  } catch (error) {
    const reason = signal.aborted ? signal.reason : error;
    session.guard.signal = undefined;
    if (reason instanceof Stop) {
      outcome = stopped(pr, reason);
      if (outcome.status === "handed-over") {
        log.info(`review of ${what(pr)}: ${reason.message}; check run ${checkRunId} handed to the next review`);
        return { ...outcome, checkRunId };
      }
    } else {
      outcome = (await whyGone(session, pr, reason)) ?? failed(reason);
      if (outcome.status === "failed") log.error(`review of ${what(pr)} failed: ${outcome.error}`);
    }
  } finally {
    clearTimeout(timer);
    session.guard.signal = undefined;
  }
  if (checkRunId !== undefined) await finishCheck(session, checkRunId, outcome.check);
  log.info(`review of ${what(pr)}: ${outcome.status}, ${outcome.check.conclusion}`);
  return { ...outcome, checkRunId, readOnly: readOnly || outcome.readOnly };
}

/** A head that was replaced before its review began: concluded neutral on that commit, no work done. */
async function superseded(session: Session, pr: PullRequestRef, newer: string): Promise<Outcome> {
  const outcome = supersededOutcome(pr, newer);
  session.log.info(`review of ${what(pr)}: superseded by ${newer.slice(0, 7)}; not reviewed`);
  return { ...outcome, checkRunId: await concludeWithoutWork(session, pr, outcome.check) };
}

/** Stopping: a review that could not start gets a cancelled check run saying how to re-run it. */
async function shutDown(session: Session, pr: PullRequestRef): Promise<Outcome> {
  session.log.info(`review of ${what(pr)}: not started, Reachdiff is shutting down`);
  const check = shutdownCheck();
  return {
    status: "cancelled",
    check,
    error: SHUTDOWN_MESSAGE,
    checkRunId: await concludeWithoutWork(session, pr, check),
  };
}

/** Concludes our run on the head (the one in progress, or a new one) without reviewing. */
async function concludeWithoutWork(
  session: Session,
  pr: PullRequestRef,
  check: CheckOutput,
): Promise<number | undefined> {
  if (!session.settings.checks) return undefined;
  const { gh, repo, log } = session;
  const start = { headSha: pr.headSha, externalId: externalIdOf(pr), detailsUrl: session.settings.detailsUrl };
  try {
    const running = (await ourCheckRuns(gh, repo, pr.headSha, start.externalId)).find((r) => r.status !== "completed");
    if (running) {
      await completeCheck(gh, repo, running.id, check);
      return running.id;
    }
    const conclusion = check.conclusion === "cancelled" ? "cancelled" : "neutral";
    return (await createCheckRun(gh, repo, start, { conclusion, title: check.title, summary: check.summary })).id;
  } catch (error) {
    log.warn(`could not conclude the check run of ${what(pr)}: ${describeError(error)}`);
    return undefined;
  }
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
