// What a worker does with a job: the App's own handler (app.ts, through probot.receive, so a queued
// delivery is handled exactly as a direct one), one JSON log line with the job's fields, and metrics.
// A review event reviews the head GitHub reports when the job starts: a newer push may have been
// folded into this job while it waited (at most one waiting job per pull request).
import type { Probot } from "probot";
import type { Logger } from "pino";
import { concludeAbandoned } from "../github/check-run.js";
import { getPullRequest } from "../github/review-pull-request.js";
import type { GitHub } from "../github/types.js";
import { runAsJob } from "../queue/context.js";
import { dedupKey, type DeliveryJob, type Processor, subjectOf } from "../queue/job.js";
import type { Metrics } from "./metrics.js";

const repoOf = (fullName: string) => {
  const [owner, repo] = fullName.split("/");
  return { owner, repo };
};

/** The delivery as it should be handled now: a review event moved to the pull request's current head. */
async function current(probot: Probot, job: DeliveryJob): Promise<DeliveryJob | "closed"> {
  const s = subjectOf(job);
  if (!dedupKey(job) || !s.installation || !s.repository || !s.pullRequest) return job;
  const gh = (await probot.auth(s.installation)) as unknown as GitHub;
  const now = await getPullRequest(gh, repoOf(s.repository), s.pullRequest);
  if (now.open === false) return "closed";
  if (now.headSha === s.headSha) return job;
  const payload = structuredClone(job.payload);
  payload.pull_request.head.sha = now.headSha;
  payload.pull_request.base.sha = now.baseSha;
  return { ...job, payload };
}

export function processor(probot: Probot, log: Logger, metrics: Metrics): Processor {
  return async (job, context) => {
    const started = Date.now();
    let outcome = "failed";
    let fields: Record<string, unknown> = { ...subjectOf(job) };
    try {
      const now = await current(probot, job);
      if (now === "closed") return (outcome = "closed");
      fields = { ...subjectOf(now) };
      outcome = await runAsJob(context, () =>
        probot.receive({ id: now.id, name: now.name, payload: now.payload } as never),
      );
      return outcome;
    } catch (error) {
      fields.error = (error as Error).message;
      throw error;
    } finally {
      const durationMs = Date.now() - started;
      metrics.reviews.inc({ outcome });
      metrics.duration.observe({ outcome }, durationMs / 1000);
      metrics.latency.observe((Date.now() - job.receivedAt) / 1000);
      log.info(
        { deliveryId: job.id, event: job.name, ...fields, retry: context.retry, durationMs, outcome },
        `${job.name}${fields.action ? `.${fields.action}` : ""} ${outcome} in ${durationMs} ms`,
      );
    }
  };
}

/** A job that will not run again: conclude the check runs it left in progress, saying how to re-run. */
export function abandoned(probot: Probot, log: Logger) {
  return async (job: DeliveryJob, reason: string): Promise<void> => {
    const s = subjectOf(job);
    if (!s.installation || !s.repository || !s.pullRequest) return;
    const gh = (await probot.auth(s.installation)) as unknown as GitHub;
    const repo = repoOf(s.repository);
    const heads = new Set([s.headSha].filter((h): h is string => Boolean(h)));
    const pr = await getPullRequest(gh, repo, s.pullRequest).catch(() => undefined);
    if (pr) heads.add(pr.headSha);
    let concluded = 0;
    for (const head of heads)
      concluded += await concludeAbandoned(
        gh,
        repo,
        head,
        s.pullRequest,
        "Reachdiff stopped before it finished this review (the worker running it stopped or failed too often).",
      );
    log.warn({ deliveryId: job.id, ...s, reason, concluded }, `abandoned ${job.name}: ${reason}`);
  };
}
