// A webhook delivery as a unit of work: what it is about (installation, repository, pull request,
// head) and how it is queued. Job id = GitHub's delivery id, so a redelivery of the same delivery is
// the same job. Review events of one pull request share a deduplication id (at most one running and
// one waiting); every job of one pull request, commands included, shares its run key (never two at once).
import { PULL_REQUEST_ACTIONS } from "../github/events.js";
import { prOfExternalId } from "../github/check-run.js";

export interface DeliveryJob {
  /** GitHub's delivery id (X-GitHub-Delivery). */
  readonly id: string;
  /** The event name (X-GitHub-Event). */
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: a webhook payload as GitHub sent it, read defensively
  readonly payload: any;
  /** When the web process accepted it (ms since the epoch). */
  readonly receivedAt: number;
  /** Set when a draining worker handed the job back: the next attempt adopts its check run. */
  readonly handedBack?: boolean;
}

/** What a job is about: the fields of every log line and metric about it. */
export interface JobSubject {
  readonly installation?: number;
  readonly repository?: string;
  readonly pullRequest?: number;
  readonly headSha?: string;
  readonly action?: string;
}

export function subjectOf(job: Pick<DeliveryJob, "name" | "payload">): JobSubject {
  const p = job.payload ?? {};
  const pullRequest: number | undefined =
    p.pull_request?.number ??
    p.issue?.number ??
    prOfExternalId(p.check_run?.external_id) ??
    p.check_suite?.pull_requests?.[0]?.number ??
    undefined;
  return {
    installation: typeof p.installation?.id === "number" ? p.installation.id : undefined,
    repository: typeof p.repository?.full_name === "string" ? p.repository.full_name : undefined,
    pullRequest: typeof pullRequest === "number" ? pullRequest : undefined,
    headSha: p.pull_request?.head?.sha ?? p.check_run?.head_sha ?? p.check_suite?.head_sha ?? undefined,
    action: typeof p.action === "string" ? p.action : undefined,
  };
}

/** Jobs of one pull request never run at the same time (across every worker); undefined: no such bound. */
export function runKey(job: Pick<DeliveryJob, "name" | "payload">): string | undefined {
  const s = subjectOf(job);
  if (s.installation === undefined || !s.repository || !s.pullRequest) return undefined;
  return `${s.installation}:${s.repository}#${s.pullRequest}`;
}

/**
 * Review events of one pull request (opened, pushed, reopened, ready): only the newest matters, so a
 * newer one replaces a waiting one. Commands and other events are never dropped (undefined).
 */
export function dedupKey(job: Pick<DeliveryJob, "name" | "payload">): string | undefined {
  if (job.name !== "pull_request") return undefined;
  if (!(PULL_REQUEST_ACTIONS as readonly string[]).includes(String(job.payload?.action ?? ""))) return undefined;
  const key = runKey(job);
  return key ? `review:${key}` : undefined;
}

/** The queue refused the job: full, draining, or its store unreachable. The webhook answers 503. */
export class Refused extends Error {
  constructor(
    message: string,
    readonly reason: "full" | "draining" | "unavailable",
  ) {
    super(message);
    this.name = "Refused";
  }
}

/** What running one job needs to know and may use. */
export interface JobContext {
  /** A previous attempt may have left the check run in progress: adopt it rather than create one. */
  readonly retry: boolean;
  /** Aborted when the worker hands the job back. */
  readonly signal: AbortSignal;
}

/** Runs one job; resolves with its outcome in a word (reviewed, stale, failed, ignored, ...). */
export type Processor = (job: DeliveryJob, context: JobContext) => Promise<string>;

export interface QueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  /** Age in seconds of the oldest job not yet started (0 when none). */
  readonly oldestAgeSeconds: number;
}

/** The queue seen by the web side (intake) and the worker side (processing). */
export interface JobQueue {
  readonly kind: "redis" | "memory";
  /** Accepts a job or throws Refused. Resolves once it is safely queued. */
  add(job: DeliveryJob): Promise<void>;
  /** Starts processing with `concurrency` jobs at once (the worker role). */
  process(processor: Processor, concurrency: number): void;
  counts(): Promise<QueueCounts>;
  /** Whether the queue's store answers. */
  ready(): Promise<boolean>;
  /**
   * Stops taking jobs; waits up to `graceMs` for running jobs to finish, then hands the rest back
   * (Redis) or reports them (memory). Resolves with the jobs that did not finish.
   */
  drain(graceMs: number): Promise<DeliveryJob[]>;
  close(): Promise<void>;
}
