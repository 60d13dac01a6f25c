// Writes to GitHub paced per installation across every replica: one "next free slot" per key in Redis,
// taken by a Lua script against Redis' own clock (replicas' clocks may differ). GitHub's secondary
// limit (about 80 content-creating requests a minute) is per token holder, not per process.
import type { Redis } from "ioredis";
import { Pacer, type WriteSlots } from "../github/pacing.js";

const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], at + interval, 'PX', math.ceil(at + interval - now) + 60000)
return at - now`;

export class RedisPacer implements WriteSlots {
  readonly #local: Pacer;
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly perMinute: number,
    private readonly onWait: (ms: number) => void = () => undefined,
  ) {
    this.#local = new Pacer(perMinute);
  }

  /** Milliseconds between two writes. */
  get interval(): number {
    return this.#local.interval;
  }

  async slot(): Promise<void> {
    let wait: number;
    try {
      wait = Number(await this.redis.eval(TAKE, 1, this.key, String(this.#local.interval)));
    } catch {
      // Redis away: pace this process alone rather than stop writing (the review would fail).
      return this.#local.slot();
    }
    if (wait > 0) {
      this.onWait(wait);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
