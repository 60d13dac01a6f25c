// The reviews one App process runs (`probot run`, or the service's workers): one pull request's work
// at a time in arrival order, stopped by newer events (supersede: a push, a close, a retarget); redelivered webhooks (same X-GitHub-Delivery)
// ignored; on SIGTERM or SIGINT no new work, running reviews get REACHDIFF_SHUTDOWN_GRACE_MS (20 s) to
// finish, the rest are concluded as cancelled, saying how to re-run them, before the process exits.
import { Deliveries, InFlight, isSuperseded, Stop } from "./lifecycle.js";
import { serialize } from "./serialize.js";
import type { GitHub, Repo } from "./types.js";

const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
/** After the grace period, how long the stopped reviews get to conclude their check runs. */
const CONCLUDE_MS = 8_000;

function settle(promises: Iterable<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.allSettled([...promises]).then(() => undefined),
    new Promise<void>((r) => (timer = setTimeout(r, ms))),
  ]).finally(() => clearTimeout(timer));
}

export class AppReviews {
  readonly inFlight = new InFlight();
  readonly deliveries = new Deliveries();
  readonly #jobs = new Set<Promise<unknown>>();
  #stopping = false;
  #signalsInstalled = false;

  /** True once a signal asked the process to stop: no new work starts. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** One pull request's work, in arrival order, abortable by newer events and the shutdown. */
  perPullRequest<T>(key: string, head: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return serialize(key, () => this.inFlight.run(key, head, work));
  }

  /** A delivery's work, waited for by the shutdown. */
  async track<T>(job: Promise<T>): Promise<T> {
    this.#jobs.add(job);
    try {
      return await job;
    } finally {
      this.#jobs.delete(job);
    }
  }

  /** SIGTERM (a deploy, `docker stop`, Kubernetes) or SIGINT: finish or conclude every review, then exit. */
  installSignals(log: { info(message: string): void; warn(message: string): void }): void {
    if (this.#signalsInstalled) return;
    this.#signalsInstalled = true;
    const grace = Number(process.env.REACHDIFF_SHUTDOWN_GRACE_MS) || DEFAULT_SHUTDOWN_GRACE_MS;
    const inFlight = this.inFlight;
    const shutdown = async (signal: string) => {
      if (this.#stopping) return;
      this.#stopping = true;
      inFlight.close(new Stop("shutdown"));
      log.info(
        `${signal}: Reachdiff takes no new work; ${inFlight.size} review(s) running get ${grace / 1000} s to finish`,
      );
      await settle(this.#jobs, grace);
      if (this.#jobs.size) {
        log.warn(`${inFlight.size} review(s) still running after ${grace / 1000} s: concluding them as cancelled`);
        inFlight.stopAll(new Stop("shutdown"));
        await settle(this.#jobs, CONCLUDE_MS);
      }
      log.info("Reachdiff stopped");
      process.exit(0);
    };
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  }

  /**
   * What a webhook event stops among the reviews in flight (keys as the App runs them: owner/repo#number,
   * owner/repo@<merge group ref>): a destroyed merge group its review, a close every review of the pull
   * request, a retarget the review of the same head (the review queued next takes its check run over), a
   * push the reviews of other heads once GitHub confirms the head moved.
   */
  async supersede(
    gh: GitHub,
    repo: Repo,
    name: string,
    // biome-ignore lint/suspicious/noExplicitAny: webhook payloads, read defensively field by field
    p: any,
    log: (message: string) => void,
  ): Promise<void> {
    const inFlight = this.inFlight;
    const key = `${repo.owner}/${repo.repo}`;
    const action = String(p.action ?? "");
    if (name === "merge_group" && action === "destroyed") {
      inFlight.supersede(`${key}@${p.merge_group?.head_ref}`, new Stop("closed"));
      return;
    }
    if (name !== "pull_request") return;
    const prKey = `${key}#${p.pull_request.number}`;
    const head = String(p.pull_request.head.sha);
    if (action === "closed") inFlight.supersede(prKey, new Stop("closed"));
    if (action === "edited" && p.changes?.base) inFlight.supersede(prKey, new Stop("retarget"), (h) => h === head);
    // A push: a review of another head stops, once GitHub confirms that head is no longer the pull
    // request's (a late or out-of-order delivery must not stop the review of the newest head).
    for (const old of inFlight.heads(prKey).filter((h) => h !== head)) {
      const now = await isSuperseded(gh, repo, { number: p.pull_request.number, headSha: old }).catch(
        () => ({}) as { newer?: string; closed?: boolean },
      );
      if (now.newer || now.closed) {
        const n = inFlight.supersede(
          prKey,
          now.closed ? new Stop("closed") : new Stop("push", now.newer),
          (h) => h === old,
        );
        if (n)
          log(
            `#${p.pull_request.number}: review of ${old.slice(0, 7)} stopped, superseded by ${now.newer?.slice(0, 7) ?? "a close"}`,
          );
      }
    }
  }
}
