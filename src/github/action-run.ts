// What the Action does with its event, apart from reading inputs and writing outputs (action.ts):
// pull_request -> review; issue_comment -> slash command; workflow_run -> post the review of a pull
// request computed by an untrusted `pull_request` workflow (fork pull requests).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { handleEvent, mergeGroupOf, pullRequestOf, type EventResult } from "./events.js";
import type { Outcome } from "./outcome.js";
import { getPullRequest, reviewPullRequest } from "./review-pull-request.js";
import type { Session } from "./session.js";
import type { PullRequestRef } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: a webhook payload, read defensively field by field
type Payload = any;

/** The one thing the poster takes from the untrusted artifact: a pull-request number, re-checked against the API. */
function readPrPointer(dir: string): number {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(dir, "pr.json"), "utf8").slice(0, 10_000));
  } catch {
    throw new Error(`no readable pr.json in ${dir} (download the report artifact there first)`);
  }
  const n = (data as { number?: unknown } | null)?.number;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1)
    throw new Error("pr.json does not hold a pull-request number");
  return n;
}

export function writeReport(dir: string, pr: PullRequestRef, outcome: Outcome): string {
  mkdirSync(dir, { recursive: true });
  const report = join(dir, "report.json");
  writeFileSync(
    report,
    `${JSON.stringify(
      {
        pr: pr.number,
        head: pr.headSha,
        status: outcome.status,
        conclusion: outcome.check.conclusion,
        ...(outcome.output?.report ?? {}),
        error: outcome.error,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(dir, "pr.json"), `${JSON.stringify({ number: pr.number, head_sha: pr.headSha })}\n`);
  if (outcome.comment) writeFileSync(join(dir, "comment.md"), outcome.comment);
  return report;
}

export type ActionResult =
  | EventResult
  | { readonly kind: "posted"; readonly outcome: Outcome }
  | { readonly kind: "refused"; readonly why: string };

export async function runActionEvent(
  session: Session,
  name: string,
  payload: Payload,
  reportDir: string,
): Promise<{ result: ActionResult; pr?: PullRequestRef }> {
  if (name === "workflow_run") {
    // Runs in the base repository with a write token: nothing from the artifact but the number is used,
    // and that number must name an open pull request whose head is the commit the workflow ran on.
    const run = payload.workflow_run;
    const number = run?.pull_requests?.[0]?.number ?? readPrPointer(reportDir);
    const pr = await getPullRequest(session.gh, session.repo, number);
    if (pr.headSha !== run?.head_sha)
      return {
        result: {
          kind: "refused",
          why: `pull request #${number} is not at ${String(run?.head_sha).slice(0, 7)} (it is at ${pr.headSha.slice(0, 7)})`,
        },
        pr,
      };
    return { result: { kind: "posted", outcome: await reviewPullRequest(session, pr) }, pr };
  }
  if (name === "pull_request" || name === "pull_request_target") {
    const pr = pullRequestOf(payload.pull_request);
    const result = await handleEvent(session, "pull_request", payload);
    return { result, pr };
  }
  if (name === "merge_group") {
    const result = await handleEvent(session, name, payload);
    return { result, pr: payload.merge_group ? mergeGroupOf(payload.merge_group) : undefined };
  }
  if (name === "issue_comment") {
    const result = await handleEvent(session, name, payload);
    return { result };
  }
  return { result: { kind: "ignored", why: `event ${name}` } };
}
