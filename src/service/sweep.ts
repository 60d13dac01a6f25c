// The periodic sweep (one replica at a time, by a Redis lock): concludes check runs that workers which
// died left in progress, and asks GitHub to redeliver events none of whose deliveries succeeded (a
// 503 while Redis was away or the queue full, a web process that died) — GitHub never does it alone.
import type { Logger } from "pino";
import type { Probot } from "probot";
import { type Delivery, failedDeliveries, redeliver } from "../github/deliveries.js";
import type { GitHub } from "../github/types.js";
import type { DeliveryJob, JobQueue } from "../queue/job.js";
import type { RedisQueue } from "../queue/redis.js";

/** Redeliveries asked per event at most (a delivery failing again and again is left to a person). */
const MAX_REDELIVERIES = 3;

export interface Sweep {
  run(): Promise<{ concluded: number; redelivered: number }>;
  stop(): void;
}

export function startSweep(options: {
  probot: Probot;
  queue: JobQueue;
  log: Logger;
  everyMs: number;
  lookbackMs: number;
  /** A job older than this whose worker is gone is abandoned. */
  staleMs: number;
  abandon: (job: DeliveryJob, reason: string) => Promise<void>;
}): Sweep {
  const { probot, queue, log } = options;
  const redis = queue.kind === "redis" ? (queue as RedisQueue) : undefined;
  const asked = new Map<string, number>();
  let since = Date.now() - options.lookbackMs;

  const askedBefore = async (d: Delivery): Promise<boolean> => {
    if (redis) return (await redis.client.hincrby(redis.key("redelivered"), d.guid, 1)) > MAX_REDELIVERIES;
    asked.set(d.guid, (asked.get(d.guid) ?? 0) + 1);
    return asked.get(d.guid)! > MAX_REDELIVERIES;
  };

  const concludeDead = async (): Promise<number> => {
    if (!redis) return 0;
    let concluded = 0;
    for (const [id, startedAt] of await redis.inflight()) {
      const job = await redis.queue.getJob(id);
      const state = job ? await job.getState() : "missing";
      const over = ["completed", "failed", "missing", "unknown"].includes(state);
      if (!over && Date.now() - startedAt < options.staleMs) continue;
      if (job) await options.abandon(job.data as DeliveryJob, `left ${state} by a worker that is gone`);
      await redis.forget(id);
      concluded++;
    }
    return concluded;
  };

  const run = async () => {
    if (redis) {
      const ok = await redis.client.set(redis.key("sweep"), "1", "PX", Math.max(1000, options.everyMs - 500), "NX");
      if (ok !== "OK") return { concluded: 0, redelivered: 0 };
    }
    const concluded = await concludeDead();
    let redelivered = 0;
    if (await queue.ready()) {
      const from = since;
      since = Date.now() - 60_000;
      const app = (await probot.auth()) as unknown as GitHub;
      for (const d of await failedDeliveries(app, from)) {
        if (await askedBefore(d)) continue;
        await redeliver(app, d);
        redelivered++;
        log.info(
          { deliveryId: d.guid, event: d.event, action: d.action },
          `asked GitHub to redeliver ${d.event} ${d.guid}`,
        );
      }
    }
    return { concluded, redelivered };
  };

  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    run()
      .catch((error) => log.warn({ error: (error as Error).message }, `sweep failed: ${(error as Error).message}`))
      .finally(() => {
        busy = false;
      });
  }, options.everyMs);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
