// review(pr): the one path the App and the Action share. Check run in progress -> config from the
// base branch -> changed files (one request) -> both sides' manifests (one tarball each) -> the pure
// review -> sticky comment (unless a newer commit arrived) -> check run conclusion. Any failure
// (bad config, API error after retries, timeout) ends the check run with a message saying so.
import { ConfigError } from "../config/load-config.js";
import { failedCheck, noManifestChanges, review, type CheckOutput, type ReviewOutput } from "../review.js";
import { completeCheck, startCheck } from "./check-run.js";
import { changedFiles, fetchManifests, watched } from "./fetch-manifests.js";
import { readRepoConfig } from "./repo-config.js";
import { effectiveConfig, type Session } from "./session.js";
import { publishSticky, type StickyAction } from "./sticky-comment.js";
import { httpStatus, repoUrl, type GitHub, type PullRequestRef, type Repo } from "./types.js";

export interface Outcome {
  readonly status: "reviewed" | "no-manifest-change" | "stale" | "failed";
  readonly check: CheckOutput;
  readonly output?: ReviewOutput;
  /** The comment body (also when it was not posted: the Action's job summary shows it). */
  readonly comment?: string;
  readonly commentAction?: StickyAction;
  readonly checkRunId?: number;
  readonly error?: string;
}

export class ReviewTimeout extends Error {}

export async function getPullRequest(gh: GitHub, repo: Repo, number: number): Promise<PullRequestRef> {
  const { data } = await gh.rest.pulls.get({ ...repo, pull_number: number });
  return { number, headSha: data.head.sha, baseSha: data.base.sha, baseRef: data.base.ref, fromFork: data.head.repo?.full_name !== data.base.repo.full_name };
}

export function describeError(error: unknown): string {
  if (error instanceof ConfigError) return `The configuration is invalid: ${error.message}`;
  if (error instanceof ReviewTimeout) return error.message;
  const status = httpStatus(error);
  const e = error as { message?: string; request?: { method?: string; url?: string } };
  if (status !== undefined) return `The GitHub API answered ${status} to ${e.request?.method ?? ""} ${(e.request?.url ?? "").replace(/^https?:\/\/[^/]+/, "")} (after retries): ${e.message ?? ""}`;
  return `Reachdiff failed: ${e?.message ?? String(error)}`;
}

export async function reviewPullRequest(session: Session, pr: PullRequestRef): Promise<Outcome> {
  const { gh, repo, settings, log } = session;
  const checkRunId = settings.checks ? await startCheck(gh, repo, pr.headSha, pr.number, settings.detailsUrl) : undefined;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ReviewTimeout(`Reachdiff timed out after ${Math.round(settings.timeoutMs / 1000)} s and did not finish this review. Re-run the check or comment \`/reachdiff\` to try again.`)), settings.timeoutMs);
  session.guard.signal = controller.signal;
  let outcome: Outcome;
  try {
    outcome = await analyse(session, pr, controller.signal);
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    const message = describeError(reason);
    log.error(`review of #${pr.number} at ${pr.headSha.slice(0, 7)} failed: ${message}`);
    outcome = { status: "failed", check: failedCheck(message, reason instanceof ReviewTimeout ? "timed_out" : "failure"), error: message };
  } finally {
    clearTimeout(timer);
    session.guard.signal = undefined;
  }
  if (checkRunId !== undefined) await completeCheck(gh, repo, checkRunId, outcome.check);
  log.info(`review of #${pr.number} at ${pr.headSha.slice(0, 7)}: ${outcome.status}, ${outcome.check.conclusion}`);
  return { ...outcome, checkRunId };
}

async function isStale(session: Session, pr: PullRequestRef): Promise<string | undefined> {
  const now = await getPullRequest(session.gh, session.repo, pr.number);
  return now.headSha !== pr.headSha ? now.headSha : undefined;
}

function staleCheck(check: CheckOutput, newer: string): CheckOutput {
  return { ...check, summary: `A newer commit (${newer.slice(0, 7)}) was pushed while this review ran; the pull request comment describes the newest commit, not this one.\n\n${check.summary}` };
}

async function analyse(session: Session, pr: PullRequestRef, signal: AbortSignal): Promise<Outcome> {
  const { gh, repo, settings, botLogin } = session;
  const { config: fileConfig } = await readRepoConfig(gh, repo, pr.baseSha, settings.configPath);
  const config = effectiveConfig(fileConfig, settings);
  const mode = config.comment.mode;
  const changes = await changedFiles(gh, repo, pr.baseSha, pr.headSha);
  const isWatched = watched(config.paths);
  if (changes.complete && !changes.paths.some((p) => isWatched(p))) {
    // The quick, cheap answer: no archive is fetched. An existing comment is corrected; none is created.
    const quick = noManifestChanges(pr.headSha);
    const newer = await isStale(session, pr);
    if (newer) return { status: "stale", check: staleCheck(quick.check, newer), comment: quick.comment };
    const posted = await publishSticky(gh, repo, pr.number, quick.comment, { mode, botLogin, onlyIfExists: true });
    return { status: "no-manifest-change", check: quick.check, comment: quick.comment, commentAction: posted.action };
  }
  const limits = {};
  const base = await fetchManifests(gh, repo, changes.mergeBase, config.paths, limits);
  const head = await fetchManifests(gh, repo, pr.headSha, config.paths, limits);
  signal.throwIfAborted();
  const output = review({
    base: base.files,
    head: head.files,
    config,
    headSha: pr.headSha,
    repoUrl: repoUrl(repo, settings.serverUrl),
    reportUrl: settings.detailsUrl,
    problems: { base: base.diagnostics, head: head.diagnostics },
  });
  signal.throwIfAborted();
  const newer = await isStale(session, pr);
  if (newer) return { status: "stale", output, check: staleCheck(output.check, newer), comment: output.comment };
  const posted = await publishSticky(gh, repo, pr.number, output.comment, { mode, botLogin });
  return { status: "reviewed", output, check: output.check, comment: output.comment, commentAction: posted.action };
}
