// The queue with Redis (BullMQ): any number of web and worker processes share it.
//
// - Job id = GitHub's delivery id: BullMQ ignores an add whose id it still holds, so a redelivery is a
//   no-op (finished jobs are kept a day for this).
// - At most one running and one waiting review per pull request, across every replica: BullMQ's
//   deduplication in "keep last if active" mode (id = the pull request). While a review of a pull request
//   runs, a newer event is stored and becomes its one waiting job when the running one finishes (newer
//   events overwrite it); while one waits, newer events are dropped and the waiting job reviews the pull
//   request's head as GitHub reports it when it starts. BullMQ alone does this without a lock of ours,
//   in one Lua script per add, so it holds across web replicas without a race.
// - Commands (`/reachdiff`) are never dropped, so they are not deduplicated; a Redis lock per pull request
//   (SET NX PX, renewed while held, released only by its holder) keeps any two jobs of one pull request
//   from running at once. A job that finds the lock taken waits (delayed) and tries again.
// - A worker that dies leaves its job active without a lock: BullMQ's stalled-job check moves it back to
//   waiting and another worker runs it (with `retry`, so it adopts the check run left in progress); a job
//   that stalls again, or fails its last attempt, ends in `onAbandoned`, which concludes its check run.
// - Draining (SIGTERM): no new jobs are taken; running ones get the grace period, then are handed back
//   to the waiting list (not counted as an attempt) for another worker.
import { randomUUID } from "node:crypto";
import { DelayedError, type Job, Queue, WaitingError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { dedupKey, type DeliveryJob, type JobQueue, type Processor, type QueueCounts, Refused, runKey } from "./job.js";

export interface RedisQueueOptions {
  readonly url: string;
  /** Jobs waiting at most (past it, add refuses: the webhook answers 503). */
  readonly maxWaiting?: number;
  /** How long a worker's hold on a job lasts without renewal; a dead worker's job is retried after about this. */
  readonly lockMs?: number;
  /** Attempts per job (a stalled job counts as one). */
  readonly attempts?: number;
  /** Called when a job will not run again (its last attempt failed or it stalled once too often). */
  readonly onAbandoned?: (job: DeliveryJob, reason: string) => Promise<void>;
  readonly prefix?: string;
}

const NAME = "reachdiff";
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

/** Rejects when `work` takes longer than `ms` (Redis going away mid-request must not hang a webhook). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

interface Running {
  readonly job: DeliveryJob;
  handBack: () => void;
}

export class RedisQueue implements JobQueue {
  readonly kind = "redis";
  /** Fails fast while Redis is away (the webhook answers 503 at once instead of hanging). */
  readonly client: Redis;
  readonly queue: Queue;
  readonly prefix: string;
  readonly lockMs: number;
  readonly #queueConnection: Redis;
  #worker?: Worker;
  #workerConnection?: Redis;
  readonly #running = new Map<string, Running>();
  #draining = false;

  constructor(readonly options: RedisQueueOptions) {
    this.prefix = options.prefix ?? "reachdiff";
    this.lockMs = options.lockMs ?? 30_000;
    this.client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.client.on("error", () => undefined);
    this.#queueConnection = new Redis(options.url, { maxRetriesPerRequest: 1 });
    this.#queueConnection.on("error", () => undefined);
    this.queue = new Queue(NAME, { connection: this.#queueConnection, prefix: this.prefix });
    this.queue.on("error", () => undefined);
  }

  key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  async add(job: DeliveryJob): Promise<void> {
    if (this.#draining) throw new Refused("this process is shutting down", "draining");
    if (this.client.status !== "ready")
      throw new Refused(`Redis is not reachable (${this.client.status})`, "unavailable");
    const max = this.options.maxWaiting ?? 1000;
    try {
      const c = await within(5000, this.queue.getJobCounts("waiting", "delayed", "prioritized"));
      if (Object.values(c).reduce((a, b) => a + b, 0) >= max)
        throw new Refused(`the queue is full (${max} deliveries waiting)`, "full");
      const dedup = dedupKey(job);
      await within(
        5000,
        this.queue.add(job.name, job, {
          jobId: job.id,
          ...(dedup ? { deduplication: { id: dedup, keepLastIfActive: true } } : {}),
          attempts: this.options.attempts ?? 2,
          backoff: { type: "fixed", delay: 2000 },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
        }),
      );
    } catch (error) {
      if (error instanceof Refused) throw error;
      throw new Refused(`Redis refused the job: ${(error as Error).message}`, "unavailable");
    }
  }

  process(processor: Processor, concurrency: number): void {
    this.#workerConnection = new Redis(this.options.url, { maxRetriesPerRequest: null });
    this.#workerConnection.on("error", () => undefined);
    this.#worker = new Worker(NAME, (job, token) => this.#run(job, token, processor), {
      connection: this.#workerConnection,
      prefix: this.prefix,
      concurrency: Math.max(1, concurrency),
      lockDuration: this.lockMs,
      stalledInterval: this.lockMs,
      maxStalledCount: 1,
    });
    this.#worker.on("error", () => undefined);
    this.#worker.on("failed", (job, error) => {
      if (!job || !this.options.onAbandoned) return;
      const last = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message);
      if (last) void this.options.onAbandoned(job.data as DeliveryJob, error.message).catch(() => undefined);
    });
  }

  async #run(job: Job, token: string | undefined, processor: Processor): Promise<string> {
    const data = job.data as DeliveryJob;
    const run = runKey(data);
    const lockKey = run ? this.key(`run:${run}`) : undefined;
    const holder = randomUUID();
    if (lockKey && (await this.client.set(lockKey, holder, "PX", this.lockMs, "NX")) !== "OK") {
      // Another job of this pull request runs elsewhere: wait for it (not an attempt, not a failure).
      await job.moveToDelayed(Date.now() + 500 + Math.floor(Math.random() * 1000), token);
      throw new DelayedError();
    }
    const renew = lockKey
      ? setInterval(
          () => void this.client.eval(RENEW, 1, lockKey, holder, String(this.lockMs)).catch(() => undefined),
          Math.max(500, Math.floor(this.lockMs / 3)),
        )
      : undefined;
    const abort = new AbortController();
    let handBack!: () => void;
    const handedBack = new Promise<"handed-back">((resolve) => {
      handBack = () => resolve("handed-back");
    });
    this.#running.set(String(job.id), { job: data, handBack });
    await this.client
      .hset(this.key("inflight"), String(job.id), JSON.stringify({ since: Date.now() }))
      .catch(() => undefined);
    try {
      const retry = job.attemptsMade > 0 || (job.stalledCounter ?? 0) > 0 || data.handedBack === true;
      const outcome = await Promise.race([processor(data, { retry, signal: abort.signal }), handedBack]);
      if (outcome === "handed-back") {
        abort.abort();
        await job.updateData({ ...data, handedBack: true });
        await job.moveToWait(token);
        throw new WaitingError();
      }
      return outcome;
    } finally {
      clearInterval(renew);
      this.#running.delete(String(job.id));
      if (lockKey) await this.client.eval(RELEASE, 1, lockKey, holder).catch(() => undefined);
      await this.client.hdel(this.key("inflight"), String(job.id)).catch(() => undefined);
    }
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
    const [oldest] = await this.queue.getJobs(["waiting", "prioritized"], 0, 0, true);
    const at = (oldest?.data as DeliveryJob | undefined)?.receivedAt ?? oldest?.timestamp;
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      oldestAgeSeconds: at ? Math.max(0, (Date.now() - at) / 1000) : 0,
    };
  }

  async ready(): Promise<boolean> {
    if (this.#draining || this.client.status !== "ready") return false;
    try {
      return (await Promise.race([this.client.ping(), new Promise((r) => setTimeout(r, 1000, "timeout"))])) === "PONG";
    } catch {
      return false;
    }
  }

  /** Jobs that started on some worker and were never finished there: `[job id, started at]`. */
  async inflight(): Promise<[string, number][]> {
    const all = await this.client.hgetall(this.key("inflight"));
    return Object.entries(all).map(([id, v]) => [id, Number(JSON.parse(v).since) || 0]);
  }

  async forget(id: string): Promise<void> {
    await this.client.hdel(this.key("inflight"), id);
  }

  async drain(graceMs: number): Promise<DeliveryJob[]> {
    this.#draining = true;
    if (!this.#worker) return [];
    const closed = this.#worker.close();
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    const left = late ? [...this.#running.values()].map((r) => r.job) : [];
    if (late) {
      for (const r of this.#running.values()) r.handBack();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    }
    return left;
  }

  async close(): Promise<void> {
    await this.#worker?.close(true).catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.client.disconnect();
    this.#queueConnection.disconnect();
    this.#workerConnection?.disconnect();
  }
}
