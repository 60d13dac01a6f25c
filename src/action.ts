// The GitHub Action: read inputs and the event, run the shared review path, write outputs, the
// report files and the job summary (the same text as the comment). Bundled to dist/index.js.
import * as core from "@actions/core";
import { readFileSync } from "node:fs";
import { SEVERITIES, type Config } from "./config/schema.js";
import { actionClient } from "./github/action-client.js";
import { runActionEvent, writeReport } from "./github/action-run.js";
import { Stop } from "./github/lifecycle.js";
import { pacerFor } from "./github/pacing.js";
import { proxyFromEnv } from "./github/proxy.js";
import { describeError } from "./github/errors.js";
import { createSession } from "./github/session.js";
import type { GitHub } from "./github/types.js";
import type { CommentMode } from "./github/sticky-comment.js";

function choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
  const value = core.getInput(name).trim();
  if (!value) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`input ${name} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`);
  return value as T;
}

/**
 * Who the token acts as, for finding our own sticky comment: GraphQL's viewer answers for
 * GITHUB_TOKEN ("github-actions", a Bot), an App's installation token and a person's token alike.
 */
async function ownLogin(gh: GitHub): Promise<string> {
  try {
    const { data } = await gh.request("POST /graphql", { query: "query { viewer { login __typename } }" });
    const v = (data as { data?: { viewer?: { login?: string; __typename?: string } } }).data?.viewer;
    if (v?.login) return v.__typename === "Bot" && !v.login.endsWith("[bot]") ? `${v.login}[bot]` : v.login;
  } catch (error) {
    core.info(
      `Reachdiff: could not ask GitHub who the token is (${describeError(error)}); assuming github-actions[bot]`,
    );
  }
  return "github-actions[bot]";
}

proxyFromEnv();

/** The runner cancels a job with SIGINT, then SIGTERM 7.5 s later: the check run is concluded before that. */
const cancelled = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    if (!cancelled.signal.aborted) {
      core.warning(`Reachdiff: ${signal}: the run was cancelled; concluding the check run`);
      cancelled.abort(new Stop("shutdown"));
    }
  });

export async function run(): Promise<void> {
  try {
    const name = process.env.GITHUB_EVENT_NAME ?? "";
    const payload = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH ?? "", "utf8"));
    const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? "").split("/");
    const token = core.getInput("token", { required: true });
    // The runner masks secrets it knows of; a token passed in some other way is masked from here on.
    core.setSecret(token);
    const reportDir = core.getInput("report-dir") || "reachdiff-report";
    const log = { info: core.info, warn: core.warning, error: core.error };
    const fork =
      name === "pull_request" &&
      payload.pull_request?.head?.repo?.full_name !== payload.pull_request?.base?.repo?.full_name;
    if (fork)
      core.notice(
        "Fork pull request: the token cannot write here, so no comment or check run is posted. Use the workflow_run poster (see the README).",
      );
    const serverUrl = process.env.GITHUB_SERVER_URL ?? "https://github.com";
    const runUrl = process.env.GITHUB_RUN_ID
      ? `${serverUrl}/${owner}/${repo}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined;
    const gh = actionClient(token, process.env.GITHUB_API_URL ?? "https://api.github.com", log);
    const session = createSession({
      gh,
      repo: { owner, repo },
      botLogin: core.getInput("comment-author") || (fork ? "github-actions[bot]" : await ownLogin(gh)),
      log,
      pacer: pacerFor("action"),
      signal: cancelled.signal,
      settings: {
        configPath: core.getInput("config") || undefined,
        paths: core
          .getMultilineInput("paths")
          .flatMap((l) => l.split(","))
          .map((p) => p.trim())
          .filter(Boolean),
        failOn: choice<Config["fail-on"]>("fail-on", [...SEVERITIES, "none"]),
        commentMode: fork ? "off" : choice<CommentMode>("comment-mode", ["update", "recreate", "off"]),
        checks: !fork && core.getInput("check") !== "false",
        detailsUrl: runUrl,
        serverUrl,
      },
    });
    const { result, pr } = await runActionEvent(session, name, payload, reportDir);
    if (result.kind === "ignored" || result.kind === "refused")
      return core.info(`Reachdiff: nothing to do (${result.why}).`);
    const outcome =
      result.kind === "command"
        ? result.result.outcome
        : result.kind === "reviews"
          ? result.outcomes[0]
          : result.outcome;
    if (!outcome)
      return core.info(
        `Reachdiff: ${result.kind === "command" ? (result.result.ignored ?? `command ${result.result.command} done`) : "done"}.`,
      );
    const target = pr ?? { number: Number(payload.issue?.number), headSha: "", baseSha: "", baseRef: "" };
    core.setOutput("risk", outcome.output?.risk ?? "none");
    core.setOutput("findings", outcome.output?.findings ?? 0);
    core.setOutput("conclusion", outcome.check.conclusion);
    core.setOutput("comment-id", outcome.commentId ?? "");
    core.setOutput("check-run-id", outcome.checkRunId ?? "");
    core.setOutput("report", writeReport(reportDir, target, outcome));
    if (outcome.comment && process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(outcome.comment).write();
    if (outcome.readOnly)
      core.notice(
        "Reachdiff: the token cannot write here (read-only: a Dependabot run, an organisation policy, a fork), so the review was computed only: see the job summary. Grant pull-requests: write and checks: write, or use the workflow_run poster (see the README).",
      );
    core.info(`Reachdiff: ${outcome.check.title}`);
    // On issue_comment and workflow_run the job runs on the default branch, not the pull request's
    // head: the check run on the head carries the verdict, the job only fails when the review did.
    const verdictFailsJob = name !== "workflow_run" && name !== "issue_comment";
    if (outcome.status === "failed" || outcome.status === "cancelled")
      core.setFailed(outcome.error ?? outcome.check.title);
    else if (outcome.check.conclusion === "failure" && verdictFailsJob)
      core.setFailed(`Reachdiff: ${outcome.check.title}`);
  } catch (error) {
    core.setFailed(`Reachdiff: ${(error as Error).message}`);
  }
}

await run();
