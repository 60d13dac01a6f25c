// The queue without Redis: in this process, bounded (by default 2 reviews at once, 100 waiting; past
// that the webhook answers 503 and GitHub records a failed delivery, which the sweep redelivers).
// The same rules as the Redis queue: a delivery id is taken once, jobs of one pull request run one at a
// time, and a newer review event of a pull request replaces its waiting one. Nothing survives a restart.
import { dedupKey, type DeliveryJob, type JobQueue, type Processor, type QueueCounts, Refused, runKey } from "./job.js";

interface Waiting {
  job: DeliveryJob;
  readonly run?: string;
  readonly dedup?: string;
}

/** Delivery ids remembered to ignore redeliveries of work already taken (GitHub redelivers by hand or via the sweep). */
const SEEN_IDS = 10_000;

export class MemoryQueue implements JobQueue {
  readonly kind = "memory";
  readonly #waiting: Waiting[] = [];
  readonly #running = new Map<
    string,
    { job: DeliveryJob; run?: string; done: Promise<void>; abort: AbortController }
  >();
  readonly #seen = new Set<string>();
  #processor?: Processor;
  #concurrency = 0;
  #draining = false;
  #idle?: () => void;

  constructor(readonly maxWaiting = 100) {}

  async add(job: DeliveryJob): Promise<void> {
    if (this.#draining) throw new Refused("this process is shutting down", "draining");
    if (this.#seen.has(job.id)) return;
    const dedup = dedupKey(job);
    const same = dedup ? this.#waiting.find((w) => w.dedup === dedup) : undefined;
    if (same) {
      // The newer event takes the waiting one's place: only the newest head is reviewed.
      same.job = job;
    } else {
      if (this.#waiting.length >= this.maxWaiting)
        throw new Refused(`the queue is full (${this.maxWaiting} deliveries waiting)`, "full");
      this.#waiting.push({ job, run: runKey(job), dedup });
    }
    this.#remember(job.id);
    this.#pump();
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_IDS) this.#seen.delete(this.#seen.values().next().value!);
  }

  process(processor: Processor, concurrency: number): void {
    this.#processor = processor;
    this.#concurrency = Math.max(1, concurrency);
    this.#pump();
  }

  #pump(): void {
    if (!this.#processor) return;
    while (this.#running.size < this.#concurrency) {
      const busy = new Set([...this.#running.values()].map((r) => r.run).filter(Boolean));
      const i = this.#waiting.findIndex((w) => !w.run || !busy.has(w.run));
      if (i < 0) break;
      const [next] = this.#waiting.splice(i, 1);
      this.#start(next);
    }
    if (!this.#running.size && !this.#waiting.length) this.#idle?.();
  }

  #start(w: Waiting): void {
    const abort = new AbortController();
    const key = `${w.job.id}`;
    const done = this.#processor!(w.job, { retry: false, signal: abort.signal })
      .catch(() => undefined)
      .then(() => {
        this.#running.delete(key);
        this.#pump();
      });
    this.#running.set(key, { job: w.job, run: w.run, done, abort });
  }

  async counts(): Promise<QueueCounts> {
    const oldest = Math.min(...this.#waiting.map((w) => w.job.receivedAt));
    return {
      waiting: this.#waiting.length,
      active: this.#running.size,
      delayed: 0,
      oldestAgeSeconds: this.#waiting.length ? Math.max(0, (Date.now() - oldest) / 1000) : 0,
    };
  }

  async ready(): Promise<boolean> {
    return !this.#draining;
  }

  async drain(graceMs: number): Promise<DeliveryJob[]> {
    this.#draining = true;
    const idle = new Promise<void>((resolve) => {
      this.#idle = resolve;
    });
    this.#pump();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([idle, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    const left = [...[...this.#running.values()].map((r) => r.job), ...this.#waiting.map((w) => w.job)];
    for (const r of this.#running.values()) r.abort.abort();
    this.#waiting.length = 0;
    return left;
  }

  async close(): Promise<void> {}
}
