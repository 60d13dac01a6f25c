// Keeps the bot a good API citizen: content-creating requests (POST, PATCH, PUT, DELETE) are paced to
// about 80 a minute (GitHub's secondary limit), secondary rate limits are waited out and retried, and
// every request of a review can be cancelled by its deadline.
import type { GitHub } from "./types.js";

export const DEFAULT_WRITES_PER_MINUTE = 80;

type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spaces content-creating requests evenly: at most `perMinute` a minute, for one token. */
export class Pacer {
  #next = 0;
  readonly interval: number;
  constructor(perMinute = DEFAULT_WRITES_PER_MINUTE, private readonly sleep: Sleep = realSleep, private readonly now: () => number = Date.now) {
    this.interval = 60_000 / Math.max(1, perMinute);
  }
  /** Resolves when the next write may go. */
  async slot(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.interval;
    if (at > now) await this.sleep(at - now);
  }
}

const pacers = new Map<string, Pacer>();
/** One pacer per token holder (installation, or the Action's token), shared by all its events. */
export function pacerFor(key: string, perMinute = Number(process.env.REACHDIFF_WRITES_PER_MINUTE) || DEFAULT_WRITES_PER_MINUTE): Pacer {
  let p = pacers.get(key);
  if (!p) pacers.set(key, (p = new Pacer(perMinute)));
  return p;
}

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export interface Guard {
  readonly pacer: Pacer;
  /** Requests made while this is set are cancelled when it aborts. */
  signal?: AbortSignal;
  /** How often a rate-limited request is retried (default 2), and the longest wait for one (default 60 s). */
  readonly rateLimitRetries?: number;
  readonly maxWaitMs?: number;
  readonly sleep?: Sleep;
}

function rateLimitWait(error: unknown, maxWaitMs: number): number | undefined {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  if (e?.status !== 403 && e?.status !== 429) return undefined;
  const h = e.response?.headers ?? {};
  const retryAfter = Number(h["retry-after"]);
  if (Number.isFinite(retryAfter) && h["retry-after"] !== undefined) return Math.min(retryAfter * 1000, maxWaitMs + 1);
  if (h["x-ratelimit-remaining"] === "0") return Math.min(Math.max(0, Number(h["x-ratelimit-reset"]) * 1000 - Date.now()) + 500, maxWaitMs + 1);
  if (/secondary rate limit/i.test(e.message ?? "")) return 60_000;
  return undefined;
}

/** Adds pacing, rate-limit retries and cancellation to a client. Call once per client instance. */
export function guard(gh: GitHub, g: Guard): GitHub {
  const sleep = g.sleep ?? realSleep;
  const retries = g.rateLimitRetries ?? 2;
  const maxWait = g.maxWaitMs ?? 60_000;
  gh.hook.wrap("request", async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      const signal = g.signal;
      if (signal) {
        signal.throwIfAborted();
        options.request = { ...options.request, signal };
        // Once the deadline passes, an aborted request is not retried (the retry plugin reads this).
        if (options.request.retries === undefined) Object.defineProperty(options.request, "retries", { get: () => (signal.aborted ? 0 : undefined), enumerable: true, configurable: true });
      }
      if (WRITES.has(String(options.method).toUpperCase())) await g.pacer.slot();
      try {
        return await request(options);
      } catch (error) {
        const wait = rateLimitWait(error, maxWait);
        if (wait === undefined || attempt >= retries || wait > maxWait) throw error;
        await sleep(wait);
      }
    }
  });
  return gh;
}
