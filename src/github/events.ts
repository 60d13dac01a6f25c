// Webhook events -> the shared review path. Both deliveries call this: the App with probot's
// payloads, the Action with the payload of GITHUB_EVENT_PATH.
import { CHECK_NAME } from "./check-output.js";
import { prOfExternalId } from "./check-run.js";
import { handleCommentCommand, type CommandResult } from "./commands.js";
import { getPullRequest, reviewPullRequest, type Outcome } from "./review-pull-request.js";
import type { Session } from "./session.js";
import type { PullRequestRef } from "./types.js";

export const PULL_REQUEST_ACTIONS = ["opened", "synchronize", "reopened", "ready_for_review"] as const;

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
  | { readonly kind: "command"; readonly result: CommandResult }
  | { readonly kind: "ignored"; readonly why: string };

/** A webhook payload as GitHub sends it; the fields used are read defensively below. */
// biome-ignore lint/suspicious/noExplicitAny: read defensively field by field below
type Payload = any;

export async function handleEvent(session: Session, name: string, payload: Payload): Promise<EventResult> {
  const action = String(payload?.action ?? "");
  if (name === "pull_request") {
    if (!(PULL_REQUEST_ACTIONS as readonly string[]).includes(action))
      return { kind: "ignored", why: `pull_request.${action}` };
    return { kind: "review", outcome: await reviewPullRequest(session, pullRequestOf(payload.pull_request)) };
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
  return { kind: "ignored", why: name };
}
