// A redelivered webhook (the same X-GitHub-Delivery, e.g. "Redeliver" in the App's settings or the
// sweep's redelivery) is handled once. With Redis across processes: two web replicas and a worker on a
// real redis-server, the copy landing on the other replica, after the first was done and while it still
// ran; without Redis within one process only (a restart forgets, as the README says).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceProcess, useGitHub } from "./harness.js";
import { type RedisServer, startRedis } from "./redis-server.js";
import { issueCommentEvent, pullRequestEvent } from "./webhooks.js";

const gh = useGitHub();
const { fake, target } = gh;
let redis: RedisServer;
const started: ServiceProcess[] = [];
const start = async (role: "web" | "worker" | "all", redisUrl?: string) => {
  const p = await gh.startService(role, { redisUrl, env: { REACHDIFF_WRITES_PER_MINUTE: "600" } });
  started.push(p);
  return p;
};
/** Sends one delivery (always the same id) to a process and waits until the fake GitHub is quiet. */
const deliver = async (to: ServiceProcess, event: string, payload: Record<string, unknown>, id: string) => {
  await gh.send(event, payload, id, to);
  await gh.settle();
};
/** The job lines a worker logged for a delivery: one per time it was handled. */
const handled = (workers: ServiceProcess[], id: string) =>
  workers.flatMap((w) => w.json()).filter((l) => l.deliveryId === id && typeof l.outcome === "string");
const help = (commentId: number) =>
  issueCommentEvent(target(), { number: 1, commentId, body: "/reachdiff help", login: "writer" });
const replies = () => fake.comments.filter((c) => c.user.login.endsWith("[bot]") && /reachdiff/i.test(c.body));

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await redis?.stop();
});

describe("redelivery with Redis: two web replicas, one worker", () => {
  let webA: ServiceProcess;
  let webB: ServiceProcess;
  let worker: ServiceProcess;
  beforeAll(async () => {
    [webA, webB, worker] = await Promise.all([
      start("web", redis.url),
      start("web", redis.url),
      start("worker", redis.url),
    ]);
  }, 120_000);

  it("a review delivered again to the other replica after it finished runs once", async () => {
    const t = gh.repo;
    const id = "11111111-1111-4111-8111-111111111111";
    const opened = pullRequestEvent(target(), "opened", { number: 1, head: t.head, base: t.main });
    await deliver(webA, "pull_request", opened, id);
    expect(handled([worker], id)).toHaveLength(1);
    const creates = fake.calls("checks/create").length;
    await deliver(webB, "pull_request", opened, id);
    expect(handled([worker], id)).toHaveLength(1);
    expect(fake.calls("checks/create")).toHaveLength(creates);
    expect(fake.checkRuns.filter((r) => r.head_sha === t.head)).toHaveLength(1);
    expect(fake.stickyComments()).toHaveLength(1);
  }, 120_000);

  it("a command delivered again to the other replica while the first still runs replies once", async () => {
    const id = "22222222-2222-4222-8222-222222222222";
    const before = replies().length;
    fake.delay("repos/get-collaborator-permission-level", 1500, 2); // the first handling is still running when the copy arrives
    const first = gh.send("issue_comment", help(9001), id, webA);
    await new Promise((r) => setTimeout(r, 300));
    await gh.send("issue_comment", help(9001), id, webB);
    await first;
    await gh.settle();
    expect(handled([worker], id)).toHaveLength(1);
    expect(replies().length - before).toBe(1);
  }, 120_000);
});

describe("redelivery without Redis: one process", () => {
  it("is handled once by the process that saw it; a restarted process handles it again", async () => {
    const id = "33333333-3333-4333-8333-333333333333";
    const first = await start("all");
    await deliver(first, "issue_comment", help(9002), id);
    await deliver(first, "issue_comment", help(9002), id);
    expect(handled([first], id)).toHaveLength(1);
    expect(replies()).toHaveLength(1);
    await first.stop();
    // The in-process queue and its record of deliveries died with the process (README: "Nothing survives a restart").
    const second = await start("all");
    await deliver(second, "issue_comment", help(9002), id);
    expect(handled([second], id)).toHaveLength(1);
    expect(replies()).toHaveLength(2);
  }, 120_000);
});
