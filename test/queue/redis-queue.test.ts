// The Redis queue's rules on a real redis-server, with plain jobs (no GitHub): a delivery id is one
// job, a review of a pull request runs alone with at most one waiting (the newest), a command waits
// for the review of its pull request and is never dropped, and two "replicas" share one write pacer.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryJob } from "../../src/queue/job.js";
import { RedisPacer } from "../../src/queue/pacer.js";
import { RedisQueue } from "../../src/queue/redis.js";
import { until } from "../e2e/harness.js";
import { type RedisServer, startRedis } from "../e2e/redis-server.js";

let redis: RedisServer;
const open: RedisQueue[] = [];
let prefix = 0;

const pr = (id: string, number: number, head: string, action = "synchronize"): DeliveryJob => ({
  id,
  name: "pull_request",
  receivedAt: Date.now(),
  payload: {
    action,
    installation: { id: 1 },
    repository: { full_name: "o/r" },
    pull_request: { number, head: { sha: head } },
  },
});
const command = (id: string, number: number): DeliveryJob => ({
  id,
  name: "issue_comment",
  receivedAt: Date.now(),
  payload: { action: "created", installation: { id: 1 }, repository: { full_name: "o/r" }, issue: { number } },
});

/** Two replicas (web + worker) on one Redis, with a processor the test releases job by job. */
async function replicas() {
  const p = `t${++prefix}`;
  const web = new RedisQueue({ url: redis.url, prefix: p, lockMs: 2000 });
  const worker = new RedisQueue({ url: redis.url, prefix: p, lockMs: 2000 });
  open.push(web, worker);
  const ran: string[] = [];
  const gates = new Map<string, () => void>();
  let running = 0;
  let most = 0;
  worker.process(
    (job) =>
      new Promise<string>((resolve) => {
        ran.push(`${job.id}:${job.payload.pull_request?.head?.sha ?? "command"}`);
        most = Math.max(most, ++running);
        gates.set(job.id, () => {
          running--;
          resolve("reviewed");
        });
      }),
    4,
  );
  const release = async (id: string) => {
    await until(`job ${id} to start`, () => gates.has(id), 20_000);
    gates.get(id)!();
  };
  await until("Redis", () => web.client.status === "ready", 10_000);
  return { web, worker, ran, release, most: () => most };
}

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
});
afterAll(async () => {
  await redis?.dispose();
});

describe("RedisQueue", () => {
  it("a delivery id is one job; one review of a pull request at a time, then only the newest waiting one", async () => {
    const r = await replicas();
    await r.web.add(pr("d1", 1, "h1", "opened"));
    await r.web.add(pr("d1", 1, "h1", "opened"));
    await until("the first review to start", () => r.ran.length === 1, 20_000);
    for (const [id, head] of [
      ["d2", "h2"],
      ["d3", "h3"],
      ["d4", "h4"],
    ])
      await r.web.add(pr(id, 1, head));
    await r.release("d1");
    await until("the newest head's review", () => r.ran.length === 2, 20_000);
    await r.release("d4");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.ran).toEqual(["d1:h1", "d4:h4"]);
    expect(r.most()).toBe(1);
  });

  it("a command waits for the review of its pull request, is never dropped, and other pull requests run meanwhile", async () => {
    const r = await replicas();
    await r.web.add(pr("a1", 1, "h1", "opened"));
    await until("the review to start", () => r.ran.length === 1, 20_000);
    await r.web.add(command("c1", 1));
    await r.web.add(pr("b1", 2, "x1", "opened"));
    await until("pull request 2's review", () => r.ran.includes("b1:x1"), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.ran).not.toContain("c1:command");
    await r.release("a1");
    await until("the command", () => r.ran.includes("c1:command"), 20_000);
    await r.release("c1");
    await r.release("b1");
    expect(r.ran).toEqual(["a1:h1", "b1:x1", "c1:command"]);
  });

  it("refuses past its bound", async () => {
    const p = `t${++prefix}`;
    const web = new RedisQueue({ url: redis.url, prefix: p, maxWaiting: 2 });
    open.push(web);
    await until("Redis", () => web.client.status === "ready", 10_000);
    await web.add(pr("a", 1, "h", "opened"));
    await web.add(pr("b", 2, "h", "opened"));
    await expect(web.add(pr("c", 3, "h", "opened"))).rejects.toMatchObject({ reason: "full" });
    expect((await web.counts()).waiting).toBe(2);
  });
});

describe("RedisPacer", () => {
  it("replicas share one slot counter per installation: each slot moves it by one interval", async () => {
    const a = new Redis(redis.url);
    const b = new Redis(redis.url);
    try {
      // 120 a minute: one write every 500 ms, whichever replica asks.
      const one = new RedisPacer(a, "pace:test", 120);
      const two = new RedisPacer(b, "pace:test", 120);
      await one.slot();
      const start = Number(await a.get("pace:test"));
      await Promise.all([one.slot(), two.slot(), one.slot(), two.slot()]);
      expect(Number(await a.get("pace:test")) - start).toBe(4 * one.interval);
      expect(one.interval).toBe(500);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
