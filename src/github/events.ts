// Webhook events -> the shared review path. Both deliveries call this: the App with probot's
// payloads, the Action with the payload of GITHUB_EVENT_PATH.
import { CHECK_NAME } from "./check-output.js";
import { prOfExternalId } from "./check-run.js";
import { handleCommentCommand, type CommandResult } from "./commands.js";
import type { Outcome } from "./outcome.js";
import { getPullRequest, reviewPullRequest } from "./review-pull-request.js";
import type { Session } from "./session.js";
import type { GitHub, PullRequestRef, Repo } from "./types.js";

/** pull_request actions that ask for a review (edited only when its base changed: a retarget). */
export const PULL_REQUEST_ACTIONS = ["opened", "synchronize", "reopened", "ready_for_review", "edited"] as const;

/** Every event and action the App subscribes to; app.yml lists the events. */
export const APP_EVENTS = [
  ...PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
  "pull_request.closed",
  "issue_comment.created",
  "check_run.rerequested",
  "check_suite.requested",
  "check_suite.rerequested",
  "merge_group.checks_requested",
  "merge_group.destroyed",
  "installation.created",
  "installation_repositories.added",
] as const;

/** The pull request actions that repeat a head's review only when it has no verdict yet. */
const ONCE = new Set(["opened", "synchronize", "ready_for_review"]);

interface PullRequestPayload {
  readonly number: number;
  readonly head: { readonly sha: string; readonly repo?: { readonly full_name: string } | null };
  readonly base: { readonly sha: string; readonly ref: string; readonly repo: { readonly full_name: string } };
}

export function pullRequestOf(pr: PullRequestPayload): PullRequestRef {
  return {
    number: pr.number,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    baseRef: pr.base.ref,
    fromFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
  };
}

export type EventResult =
  | { readonly kind: "review"; readonly outcome: Outcome }
  | { readonly kind: "reviews"; readonly outcomes: readonly Outcome[] }
  | { readonly kind: "command"; readonly result: CommandResult }
  | { readonly kind: "ignored"; readonly why: string };

/** A webhook payload as GitHub sends it; the fields used are read defensively below. */
// biome-ignore lint/suspicious/noExplicitAny: read defensively field by field below
type Payload = any;

export async function handleEvent(session: Session, name: string, payload: Payload): Promise<EventResult> {
  const action = String(payload?.action ?? "");
  const once = Boolean(session.settings.oncePerHead);
  if (name === "pull_request") {
    if (!(PULL_REQUEST_ACTIONS as readonly string[]).includes(action))
      return { kind: "ignored", why: `pull_request.${action}` };
    if (action === "edited" && !payload.changes?.base)
      return { kind: "ignored", why: "pull_request.edited without a new base" };
    const pr = pullRequestOf(payload.pull_request);
    return { kind: "review", outcome: await reviewPullRequest(session, pr, { once: once && ONCE.has(action) }) };
  }
  if (name === "merge_group") {
    if (action !== "checks_requested") return { kind: "ignored", why: `merge_group.${action}` };
    return { kind: "review", outcome: await reviewPullRequest(session, mergeGroupOf(payload.merge_group), { once }) };
  }
  if (name === "issue_comment") {
    const result = await handleCommentCommand(session, {
      action,
      commentId: payload.comment.id,
      body: String(payload.comment.body ?? ""),
      author: String(payload.comment.user?.login ?? payload.sender?.login ?? ""),
      authorIsBot: payload.comment.user?.type === "Bot" || payload.sender?.type === "Bot",
      issueNumber: payload.issue.number,
      isPullRequest: Boolean(payload.issue.pull_request),
    });
    return { kind: "command", result };
  }
  if (name === "check_run") {
    const run = payload.check_run;
    if (action !== "rerequested" || run?.name !== CHECK_NAME) return { kind: "ignored", why: `check_run.${action}` };
    const number = prOfExternalId(run.external_id) ?? run.pull_requests?.[0]?.number;
    if (!number) return { kind: "ignored", why: "check run of no pull request" };
    const pr = await getPullRequest(session.gh, session.repo, number);
    return { kind: "review", outcome: await reviewPullRequest(session, pr) };
  }
  if (name === "check_suite") {
    // "Re-run all checks" (rerequested) reviews the suite's pull requests again; a suite requested by a
    // push is reviewed only where no run of ours exists yet (the pull_request event normally covers it).
    if (action !== "rerequested" && action !== "requested") return { kind: "ignored", why: `check_suite.${action}` };
    const suite = payload.check_suite;
    const prs = await pullRequestsOfSuite(session, suite, action === "rerequested");
    if (!prs.length)
      return { kind: "ignored", why: `check suite of ${String(suite?.head_sha).slice(0, 7)}: no open pull request` };
    if (action === "requested" && (await suiteHasOurRun(session, suite.id)))
      return { kind: "ignored", why: "the check suite has a reachdiff run already" };
    const outcomes: Outcome[] = [];
    for (const pr of prs) outcomes.push(await reviewPullRequest(session, pr, { once: action === "requested" && once }));
    return { kind: "reviews", outcomes };
  }
  return { kind: "ignored", why: name };
}

export function mergeGroupOf(group: {
  head_sha: string;
  head_ref: string;
  base_sha: string;
  base_ref: string;
}): PullRequestRef {
  return {
    number: 0,
    headSha: group.head_sha,
    baseSha: group.base_sha,
    baseRef: group.base_ref.replace(/^refs\/heads\//, ""),
    mergeGroup: group.head_ref,
  };
}

/** The open pull requests whose head is the suite's commit (forks' suites list none: then asked of the API). */
async function pullRequestsOfSuite(
  session: Session,
  suite: { head_sha: string; pull_requests?: { number: number }[] },
  lookUpForks: boolean,
): Promise<PullRequestRef[]> {
  const numbers = (suite.pull_requests ?? []).map((p) => p.number);
  if (!numbers.length && lookUpForks)
    for (const pr of await openPullRequests(session)) if (pr.headSha === suite.head_sha) numbers.push(pr.number);
  const prs: PullRequestRef[] = [];
  for (const n of numbers) {
    const pr = await getPullRequest(session.gh, session.repo, n);
    if (pr.open !== false && pr.headSha === suite.head_sha) prs.push(pr);
  }
  return prs;
}

async function suiteHasOurRun(session: Session, suiteId: number): Promise<boolean> {
  const { data } = await session.gh.rest.checks.listForSuite({
    ...session.repo,
    check_suite_id: suiteId,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 1,
  });
  return data.total_count > 0;
}

/** The repository's open pull requests, newest first (at most `max`). */
async function openPullRequests(session: Session, max = 1000): Promise<PullRequestRef[]> {
  const prs: PullRequestRef[] = [];
  for await (const { data } of session.gh.paginate.iterator(session.gh.rest.pulls.list, {
    ...session.repo,
    state: "open",
    sort: "created",
    direction: "desc",
    per_page: 100,
  })) {
    for (const pr of data) prs.push({ ...pullRequestOf(pr as PullRequestPayload), open: true });
    if (prs.length >= max) break;
  }
  return prs.slice(0, max);
}

/**
 * The backfill when the App is installed on a repository: the open pull requests (newest first, at
 * most `max`) handed to `review` one after the other, which reviews a head only if it has no verdict
 * yet (writes are paced per installation).
 */
async function backfill(
  session: Session,
  max: number,
  review: (pr: PullRequestRef) => Promise<Outcome>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const prs = await openPullRequests(session, max);
  session.log.info(`backfill of ${session.repo.owner}/${session.repo.repo}: ${prs.length} open pull request(s)`);
  for (const pr of prs) outcomes.push(await review(pr));
  return outcomes;
}

/**
 * Where a delivery's work runs one at a time, and for which head ("*" when the payload names none):
 * a merge group under owner/repo@<its ref>, anything else under its pull request owner/repo#<number>
 * (the delivery's own id when it names no pull request).
 */
export function serialKeyOf(
  name: string,
  payload: Payload,
  repo: Repo,
  deliveryId: string,
): { readonly key: string; readonly head: string } {
  const p = payload;
  const key = `${repo.owner}/${repo.repo}`;
  if (name === "merge_group")
    return { key: `${key}@${String(p.merge_group?.head_ref ?? "")}`, head: String(p.merge_group.head_sha) };
  const number =
    p.pull_request?.number ??
    p.issue?.number ??
    prOfExternalId(p.check_run?.external_id) ??
    p.check_run?.pull_requests?.[0]?.number ??
    p.check_suite?.pull_requests?.[0]?.number;
  const head = p.pull_request?.head?.sha ?? p.check_run?.head_sha ?? p.check_suite?.head_sha ?? "*";
  return { key: `${key}#${number ?? deliveryId}`, head: String(head) };
}

/** Open pull requests reviewed per installation event (newest first), unless REACHDIFF_BACKFILL_MAX says otherwise. */
export const DEFAULT_BACKFILL_MAX = 100;

/**
 * installation.created, installation_repositories.added: the open pull requests of the repositories
 * added (or, when the payload lists none, every repository the installation can see) get their first
 * review, at most `max` in all, until the process stops.
 */
export async function backfillInstallation(
  gh: GitHub,
  payload: Payload,
  options: {
    readonly max: number;
    readonly stopping: () => boolean;
    readonly session: (repo: Repo, signal: AbortSignal) => Promise<Session>;
    readonly perPullRequest: (
      key: string,
      head: string,
      work: (signal: AbortSignal) => Promise<Outcome>,
    ) => Promise<Outcome>;
  },
): Promise<void> {
  const p = payload;
  if (p.action !== "created" && p.action !== "added") return;
  let repos: { full_name: string }[] = p.repositories_added ?? p.repositories ?? [];
  if (!repos.length && p.action === "created")
    repos = await gh.paginate(gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
  let budget = options.max;
  for (const r of repos) {
    if (budget <= 0 || options.stopping()) break;
    const [owner, name] = r.full_name.split("/");
    const repo = { owner, repo: name };
    const session = await options.session(repo, new AbortController().signal);
    const outcomes = await backfill(session, budget, (pr) =>
      options.perPullRequest(`${r.full_name}#${pr.number}`, pr.headSha, async (signal) =>
        reviewPullRequest(await options.session(repo, signal), pr, { once: true }),
      ),
    );
    budget -= outcomes.length;
  }
}
