// Keeps the bot a good API citizen: content-creating requests (POST, PATCH, PUT, DELETE) are paced to
// about 80 a minute (GitHub's secondary limit), secondary rate limits are waited out and retried, and
// every request of a review can be cancelled by its deadline.
import type { GitHub } from "./types.js";

const DEFAULT_WRITES_PER_MINUTE = 80;

type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spaces content-creating requests evenly: at most `perMinute` a minute, for one token. */
export class Pacer {
  #next = 0;
  readonly interval: number;
  constructor(
    perMinute = DEFAULT_WRITES_PER_MINUTE,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = Date.now,
  ) {
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

/** What the guard needs of a pacer: one slot per write (in this process, or shared through Redis). */
export type WriteSlots = Pick<Pacer, "slot">;

const pacers = new Map<string, WriteSlots>();
let makePacer = (_key: string, perMinute: number): WriteSlots => new Pacer(perMinute);

/** Pacers shared beyond this process (the App's service with Redis): `make` builds each key's pacer. */
export function sharePacers(make: (key: string, perMinute: number) => WriteSlots): void {
  makePacer = make;
  pacers.clear();
}

/** One pacer per token holder (installation, or the Action's token), shared by all its events. */
export function pacerFor(
  key: string,
  perMinute = Number(process.env.REACHDIFF_WRITES_PER_MINUTE) || DEFAULT_WRITES_PER_MINUTE,
): WriteSlots {
  let p = pacers.get(key);
  if (!p) pacers.set(key, (p = makePacer(key, perMinute)));
  return p;
}

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** GitHub did not answer one HTTP attempt in time (the retry plugin then tries again). */
export class RequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`GitHub did not answer within ${Math.round(ms / 100) / 10} s`);
    this.name = "RequestTimeout";
  }
}

/** A rate limit that asks for a longer wait than we give it, or that persists after the retries. */
export class RateLimited extends Error {
  constructor(
    readonly waitSeconds: number,
    readonly what: string,
    /** True when it was hit again after every retry (rather than asking for too long a wait). */
    readonly persistent = false,
  ) {
    super(
      persistent
        ? `${what}: still rate limited after retrying`
        : `${what}: GitHub's rate limit asks to wait ${waitSeconds} s`,
    );
    this.name = "RateLimited";
  }
}

export interface Guard {
  readonly pacer: WriteSlots;
  /** Requests made while this is set are cancelled when it aborts. */
  signal?: AbortSignal;
  /** How often a rate-limited request is retried (default 2), and the longest wait for one (default 60 s). */
  readonly rateLimitRetries?: number;
  readonly maxWaitMs?: number;
  /** How long one HTTP attempt may go unanswered (until the response headers) before it is abandoned and retried (default 30 s). */
  readonly requestTimeoutMs?: number;
  readonly sleep?: Sleep;
}

type Headers = Record<string, string | undefined>;

/** Milliseconds a 403/429 asks us to wait, from its headers (undefined when it is no rate limit). */
function waitOf(status: number | undefined, h: Headers, message = ""): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = Number(h["retry-after"]);
  if (h["retry-after"] !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter * 1000);
  if (h["x-ratelimit-remaining"] === "0") return Math.max(0, Number(h["x-ratelimit-reset"]) * 1000 - Date.now()) + 500;
  if (/secondary rate limit/i.test(message)) return 60_000;
  return undefined;
}

/** Milliseconds a rate-limit error asks to wait (undefined for any other error). */
export function rateLimitWait(error: unknown): number | undefined {
  const e = error as { status?: number; message?: string; response?: { headers?: Headers } };
  return waitOf(e?.status, e?.response?.headers ?? {}, e?.message);
}

/** Rejects with the signal's reason as soon as it aborts, whatever the request is waiting for. */
function raced<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Adds pacing, rate-limit retries, timeouts and cancellation to a client. Call once per client instance.
 *
 * - Content writes wait for a slot of the pacer.
 * - Each HTTP attempt has `requestTimeoutMs` to answer; past it, it is abandoned (the retry plugin tries
 *   again, as for a 5xx).
 * - A rate limit whose wait is over `maxWaitMs`, or that is hit again after `rateLimitRetries`
 *   retries, ends the request with RateLimited at once; the throttling plugin alone would sleep through
 *   any retry-after (probot's retries secondary limits without end).
 * - While `signal` is set, every request is cancelled when it aborts, including one that is asleep in
 *   a plugin's back-off.
 */
export function guard(gh: GitHub, g: Guard): GitHub {
  const sleep = g.sleep ?? realSleep;
  const retries = g.rateLimitRetries ?? 2;
  const maxWait = g.maxWaitMs ?? 60_000;
  const attemptMs = g.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  gh.hook.wrap("request", async (request, options) => {
    const original: typeof fetch = options.request?.fetch ?? globalThis.fetch;
    for (let attempt = 0; ; attempt++) {
      const deadline = g.signal;
      deadline?.throwIfAborted();
      const call = new AbortController();
      const signal = deadline ? AbortSignal.any([deadline, call.signal]) : call.signal;
      let limited = 0;
      const timedFetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
        const timer = new AbortController();
        const t = setTimeout(() => timer.abort(new RequestTimeout(attemptMs)), attemptMs);
        try {
          const res = await original(input, {
            ...init,
            signal: init.signal ? AbortSignal.any([init.signal, timer.signal]) : timer.signal,
          });
          const limitedStatus = res.status === 403 || res.status === 429;
          // A secondary limit may come without a retry-after: then only its message says so.
          const message = limitedStatus
            ? await res
                .clone()
                .text()
                .catch(() => "")
            : "";
          const wait = waitOf(res.status, Object.fromEntries(res.headers), message.slice(0, 2000));
          if (wait !== undefined && (wait > maxWait || ++limited > retries)) {
            const what = `${String(init.method ?? "GET").toUpperCase()} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`;
            call.abort(new RateLimited(Math.ceil(wait / 1000), what, wait <= maxWait));
          }
          return res;
        } finally {
          clearTimeout(t);
        }
      };
      options.request = { ...options.request, signal, fetch: timedFetch };
      // Once the call is cancelled, an aborted request is not retried (the retry plugin reads this).
      if (options.request.retries === undefined)
        Object.defineProperty(options.request, "retries", {
          get: () => (signal.aborted ? 0 : undefined),
          enumerable: true,
          configurable: true,
        });
      if (WRITES.has(String(options.method).toUpperCase())) await raced(g.pacer.slot(), signal);
      try {
        return await raced(Promise.resolve(request(options)), signal);
      } catch (error) {
        const wait = rateLimitWait(error);
        if (wait === undefined || attempt >= retries || wait > maxWait) throw error;
        await raced(sleep(wait), deadline ?? new AbortController().signal);
      }
    }
  });
  return gh;
}
