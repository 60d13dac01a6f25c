// One review per pull request, the newest head wins, and no check run is ever left in progress.
// Small pieces the App's handlers (and a job queue's workers) put together:
// - isSuperseded: has the pull request moved on (a newer head, or closed) since this review was asked?
// - adoptOrCreateCheckRun: our run for a head, taken over when one is still in progress (a crash, a
//   redeploy, a retried POST), created otherwise; says whether the head was already reviewed.
// - Stop: why a review was aborted (a newer push, closed, retargeted, the process stopping), the
//   reason of the AbortSignal handed to reviewPullRequest.
// - InFlight: the reviews running in this process, by pull request, so that a newer event can abort
//   one and a shutdown can wait for them or stop them.
// - Deliveries: webhook delivery ids already taken (GitHub's redelivery repeats X-GitHub-Delivery).
import { CHECK_NAME } from "./check-output.js";
import { httpStatus, type GitHub, type Repo } from "./types.js";

/** Why a review was stopped before it finished. */
export class Stop extends Error {
  constructor(
    readonly why: "push" | "closed" | "retarget" | "shutdown",
    /** The newer head (push), when known. */
    readonly newer?: string,
  ) {
    super(
      why === "push"
        ? `superseded by ${newer ?? "a newer commit"}`
        : why === "closed"
          ? "the pull request was closed"
          : why === "retarget"
            ? "the pull request's base branch changed"
            : "Reachdiff is shutting down",
    );
    this.name = "Stop";
  }
}

export const SHUTDOWN_MESSAGE =
  'Reachdiff was stopped (a restart or a deploy) before it finished this review. Re-run the check (Re-run on this check run, or "Re-run all checks") or comment `/reachdiff` to review it again.';

/** The pull request as GitHub has it now: a newer head, or closed, means the review asked for is out of date. */
export async function isSuperseded(
  gh: GitHub,
  repo: Repo,
  pr: { readonly number: number; readonly headSha: string },
): Promise<{ newer?: string; closed?: boolean }> {
  const { data } = await gh.rest.pulls.get({ ...repo, pull_number: pr.number });
  if (data.state !== "open") return { closed: true };
  return data.head.sha !== pr.headSha ? { newer: data.head.sha } : {};
}

export interface OurRun {
  readonly id: number;
  readonly status: string;
  readonly conclusion?: string | null;
  readonly detailsUrl?: string | null;
  readonly htmlUrl?: string | null;
}

/** Our `reachdiff` runs on a commit for one purpose (external_id), newest first; every page is read. */
export async function ourCheckRuns(gh: GitHub, repo: Repo, headSha: string, externalId: string): Promise<OurRun[]> {
  const runs = await gh.paginate(gh.rest.checks.listForRef, {
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 100,
  });
  return runs
    .filter((r) => r.external_id === externalId && r.head_sha === headSha)
    .sort((a, b) => b.id - a.id)
    .map((r) => ({
      id: r.id,
      status: r.status,
      conclusion: r.conclusion,
      detailsUrl: r.details_url,
      htmlUrl: r.html_url,
    }));
}

export interface CheckRunStart {
  readonly headSha: string;
  readonly externalId: string;
  readonly detailsUrl?: string;
}

/**
 * Our check run for a head: a run of ours still in progress is adopted (never a second one beside an
 * orphan); otherwise a new one is created in progress. `completed` reports an earlier finished run, for
 * callers that review a head only once (they pass `skipIfReviewed` and get no new run then).
 */
export async function adoptOrCreateCheckRun(
  gh: GitHub,
  repo: Repo,
  start: CheckRunStart,
  options: { skipIfReviewed?: boolean } = {},
): Promise<{ id?: number; adopted: boolean; completed?: OurRun; htmlUrl?: string | null }> {
  const runs = await ourCheckRuns(gh, repo, start.headSha, start.externalId);
  const running = runs.find((r) => r.status !== "completed");
  const completed = runs.find((r) => r.status === "completed");
  if (options.skipIfReviewed && completed && !running) return { adopted: false, completed };
  if (running) {
    await gh.rest.checks.update({
      ...repo,
      check_run_id: running.id,
      status: "in_progress",
      ...(start.detailsUrl ? { details_url: start.detailsUrl } : {}),
      output: {
        title: "Reviewing exposure and reachability…",
        summary: "Reachdiff took over this check run (an earlier attempt did not finish) and is reviewing again.",
      },
    });
    return { id: running.id, adopted: true, completed, htmlUrl: running.htmlUrl };
  }
  const created = await createCheckRun(gh, repo, start);
  return { id: created.id, adopted: false, completed, htmlUrl: created.htmlUrl };
}

/**
 * Creates the check run in progress. A POST that got no answer (a timeout) or a 5xx may still have
 * created it, so it is never retried blindly: the head's runs are read first, and our run that is
 * still in progress is taken over.
 */
export async function createCheckRun(
  gh: GitHub,
  repo: Repo,
  start: CheckRunStart,
  completed?: { conclusion: "neutral" | "cancelled" | "skipped"; title: string; summary: string },
): Promise<{ id: number; htmlUrl?: string | null }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { data } = await gh.rest.checks.create({
        ...repo,
        name: CHECK_NAME,
        head_sha: start.headSha,
        external_id: start.externalId,
        ...(start.detailsUrl ? { details_url: start.detailsUrl } : {}),
        ...(completed
          ? {
              status: "completed",
              conclusion: completed.conclusion,
              completed_at: new Date().toISOString(),
              output: { title: completed.title, summary: completed.summary },
            }
          : {
              status: "in_progress",
              started_at: new Date().toISOString(),
              output: {
                title: "Reviewing exposure and reachability…",
                summary: "Reachdiff is reading the manifests of both sides.",
              },
            }),
        request: { retries: 0 },
      });
      return { id: data.id, htmlUrl: data.html_url };
    } catch (error) {
      const status = httpStatus(error);
      if (status === undefined || status < 500 || attempt >= 2) throw error;
      // Give a request that GitHub is still working on the time to land before looking for it.
      await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
      const ours = (await ourCheckRuns(gh, repo, start.headSha, start.externalId)).find((r) =>
        completed ? r.status === "completed" : r.status !== "completed",
      );
      if (ours) return { id: ours.id, htmlUrl: ours.htmlUrl };
    }
  }
}

interface Running {
  readonly headSha: string;
  readonly controller: AbortController;
  readonly done: Promise<unknown>;
}

/** The reviews running in this process, by key (owner/repo#number, or a merge group's ref). */
export class InFlight {
  readonly #runs = new Map<string, Set<Running>>();
  #closed?: Stop;

  /** Runs `work` with a signal that aborts when it is superseded or the process stops. */
  async run<T>(key: string, headSha: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (this.#closed) controller.abort(this.#closed);
    let finish!: () => void;
    const entry: Running = { headSha, controller, done: new Promise<void>((r) => (finish = r)) };
    let set = this.#runs.get(key);
    if (!set) this.#runs.set(key, (set = new Set()));
    set.add(entry);
    try {
      return await work(controller.signal);
    } finally {
      set.delete(entry);
      if (!set.size) this.#runs.delete(key);
      finish();
    }
  }

  /** The heads being reviewed under `key`. */
  heads(key: string): string[] {
    return [...(this.#runs.get(key) ?? [])].filter((r) => !r.controller.signal.aborted).map((r) => r.headSha);
  }

  /** Aborts the reviews of `key` (those whose head passes `which`, default all); returns how many. */
  supersede(key: string, reason: Stop, which: (head: string) => boolean = () => true): number {
    let n = 0;
    for (const r of this.#runs.get(key) ?? [])
      if (which(r.headSha) && !r.controller.signal.aborted) {
        r.controller.abort(reason);
        n++;
      }
    return n;
  }

  get size(): number {
    let n = 0;
    for (const s of this.#runs.values()) n += s.size;
    return n;
  }

  /** Resolves once nothing runs, or after `ms`; true when nothing runs. */
  async idle(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (this.size && Date.now() < end) {
      const all = [...this.#runs.values()].flatMap((s) => [...s].map((r) => r.done));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(all),
        new Promise((r) => (timer = setTimeout(r, Math.max(0, end - Date.now())))),
      ]);
      clearTimeout(timer);
    }
    return this.size === 0;
  }

  /** From now on, work starts aborted with `reason` (the process is stopping: it is concluded, not done). */
  close(reason: Stop): void {
    this.#closed = reason;
  }

  /** Aborts everything (the process is stopping). */
  stopAll(reason: Stop): void {
    for (const s of this.#runs.values())
      for (const r of s) if (!r.controller.signal.aborted) r.controller.abort(reason);
  }
}

/** Delivery ids seen lately (bounded): a redelivered webhook carries the id of the original. */
export class Deliveries {
  readonly #seen = new Set<string>();
  constructor(private readonly max = 10_000) {}
  /** True the first time an id is offered; false for a redelivery. */
  first(id: string | undefined): boolean {
    if (!id) return true;
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > this.max) this.#seen.delete(this.#seen.values().next().value!);
    return true;
  }
}
