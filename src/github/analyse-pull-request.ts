// The work of one review once its check run is open: the configuration from the base branch, the
// changed files (one request), both sides' manifests (one archive each), the pure review, then the
// sticky comment, unless a newer commit arrived or the pull request was closed meanwhile.
import { changedFiles } from "./fetch-manifests.js";
import { fetchSides, reviewFetched, touchesReview } from "./fetch-sides.js";
import { cannotWrite, describeError } from "./errors.js";
import { noManifestChanges } from "./check-output.js";
import { isSuperseded } from "./lifecycle.js";
import { closedOutcome, type Outcome, staleCheck } from "./outcome.js";
import { readRepoConfig } from "./repo-config.js";
import { effectiveConfig, type Session } from "./session.js";
import { type PublishOptions, publishSticky, type StickyAction } from "./sticky-comment.js";
import { repoUrl, type PullRequestRef } from "./types.js";

/** Whether to publish: not when a newer commit arrived or the pull request was closed meanwhile (merge groups have no pull request). */
async function moved(session: Session, pr: PullRequestRef): Promise<{ newer?: string; closed?: boolean }> {
  return pr.mergeGroup ? {} : isSuperseded(session.gh, session.repo, pr);
}

/** The sticky comment; a token that may not write gets the review computed only (no failure). */
async function publish(
  session: Session,
  issue: number,
  body: string,
  options: PublishOptions,
): Promise<{ action: StickyAction; id?: number; readOnly?: boolean }> {
  try {
    return await publishSticky(session.gh, session.repo, issue, body, options);
  } catch (error) {
    if (!cannotWrite(error)) throw error;
    session.log.warn(`the token may not comment on #${issue} (${describeError(error)}): the review was computed only`);
    return { action: "skipped", readOnly: true };
  }
}

export async function analyse(
  session: Session,
  pr: PullRequestRef,
  signal: AbortSignal,
  checkUrl: string | undefined,
): Promise<Outcome> {
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
    const posted = pr.mergeGroup
      ? { action: "skipped" as const }
      : await publish(session, pr.number, quick.comment, { mode, botLogin, onlyIfExists: true });
    return {
      status: "no-manifest-change",
      check: quick.check,
      comment: quick.comment,
      commentAction: posted.action,
      commentId: posted.id,
      readOnly: posted.readOnly,
    };
  }
  const [base, head] = await fetchSides(gh, repo, changes.mergeBase, pr.headSha, config, signal, settings.archiveCache);
  signal.throwIfAborted();
  const output = await reviewFetched(
    {
      base,
      head,
      config,
      headSha: pr.headSha,
      repoUrl: repoUrl(repo, settings.serverUrl),
      // The full report lives on the check run (its page shows output.text); else where the caller says.
      reportUrl: checkUrl || settings.detailsUrl,
    },
    { thread: settings.reviewThread, signal, memoryMb: settings.reviewMemoryMb },
  );
  signal.throwIfAborted();
  const now = await moved(session, pr);
  if (now.closed) return closedOutcome(output.check, output.comment, output);
  if (now.newer)
    return { status: "stale", output, check: staleCheck(output.check, now.newer), comment: output.comment };
  // A merge-queue group has no pull request to comment on: its check run is the answer.
  // comment.when: changes (the default): a review with nothing to say only corrects an existing comment.
  const quiet = config.comment.when !== "always" && output.quiet;
  const posted = pr.mergeGroup
    ? { action: "skipped" as const }
    : await publish(session, pr.number, output.comment, { mode, botLogin, onlyIfExists: quiet });
  return {
    status: "reviewed",
    output,
    check: output.check,
    comment: output.comment,
    commentAction: posted.action,
    commentId: posted.id,
    readOnly: posted.readOnly,
  };
}
