// The App as a service on a real Redis: web and worker processes (the image's entry point), signed
// deliveries sent by the loopback GitHub (which keeps a delivery log and redelivers on request), and
// assertions from its request log. Bounded in time: small repositories, few processes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Recorded } from "./fake-github.js";
import { INSTALLATION_ID, SECRET, type ServiceProcess, until, useGitHub } from "./harness.js";
import type { TestRepo } from "./repo-fixture.js";
import { type RedisServer, startRedis } from "./redis-server.js";
import { pullRequestEvent, validateWebhook } from "./webhooks.js";

const gh = useGitHub({
  seed: false,
  configure: (fake) => {
    fake.hookSecret = SECRET;
  },
});
const { fake, target } = gh;
let redis: RedisServer;
let t: TestRepo;
const running: ServiceProcess[] = [];

async function service(role: "web" | "worker" | "all", env: Record<string, string> = {}, onRedis = true) {
  const p = await gh.startService(role, {
    redisUrl: onRedis ? redis.url : undefined,
    env: { REACHDIFF_SWEEP_MS: "0", REACHDIFF_LOCK_MS: "3000", ...env },
  });
  running.push(p);
  return p;
}

/** A head commit for pull request `n`, version `v`: the demo's head plus a ConfigMap of its own. */
function headFor(n: number, v: number): string {
  return fake.commit(
    {
      [`k8s/pr-${n}.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pr-${n}\n  namespace: default\ndata:\n  v: "${v}"\n`,
    },
    t.head,
  );
}

function pushEvent(n: number, head: string, action: "opened" | "synchronize" = "synchronize") {
  const payload = pullRequestEvent(target(), action, { number: n, head, base: t.main });
  validateWebhook("pull_request", payload);
  return payload;
}

const writes = () => fake.requests.filter((r: Recorded) => ["POST", "PATCH", "PUT", "DELETE"].includes(r.method));

/** Content-creating requests made with the installation's token (what GitHub's secondary limit counts). */
const installationWrites = () => writes().filter((r) => r.login?.endsWith("[bot]"));

/** The most requests in any window of `ms` (a sliding window over their arrival times). */
function busiest(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= ms) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** Per check run: when it was created and when it was concluded (from the request log). */
function runIntervals(): { pr: string; head: string; from: number; to: number }[] {
  const creates = fake.calls("checks/create").filter((r) => r.status === 201);
  return fake.checkRuns.map((run, i) => {
    const done = fake
      .calls("checks/update")
      .find((r) => r.path.endsWith(`/check-runs/${run.id}`) && (r.body as { conclusion?: string })?.conclusion);
    // A run created already concluded (a head superseded before its review began) was never in progress.
    const createdDone = Boolean((creates[i].body as { conclusion?: string })?.conclusion);
    return {
      pr: run.external_id ?? "",
      head: run.head_sha,
      from: creates[i].at,
      to: createdDone ? creates[i].at : (done?.at ?? Number.POSITIVE_INFINITY),
    };
  });
}

/** Pairs of check runs of one pull request that were in progress at the same time. */
function overlaps(): string[] {
  const all = runIntervals();
  const found: string[] = [];
  for (const a of all)
    for (const b of all)
      if (a !== b && a.pr === b.pr && a.from < b.from && b.from < a.to) found.push(`${a.pr}: ${a.head} and ${b.head}`);
  return found;
}

const settled = (heads: Map<number, string>) =>
  [...heads].every(([, head]) => runsOf(head).some((r) => r.status === "completed")) &&
  fake.checkRuns.every((r) => r.status === "completed");

/** The check runs of a head and whether any of them is still in progress. */
const runsOf = (head: string) => fake.checkRuns.filter((r) => r.head_sha === head);

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
// Before the harness checks the fake's own problems (vitest runs after-hooks last registered first).
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop("SIGKILL")));
});
afterAll(async () => {
  await redis?.dispose();
});

/**
 * A clean slate: the fake GitHub's state, and Redis emptied (a process killed by the test before leaves
 * its job active with its deduplication key; the next test's events of the same pull request would
 * otherwise wait behind it until the stalled-job check gives it up).
 */
async function reset() {
  await redis.flush();
  t = gh.seed();
}

describe("the App service on Redis", () => {
  it("answers a delivery at once and a worker reviews it; probes and metrics answer", async () => {
    await reset();
    fake.installationToken = "ghs_servicetesttoken0123456789";
    const web = await service("web");
    const worker = await service("worker", { LOG_LEVEL: "trace" });
    fake.hookUrls = [web.webhookUrl];
    const d = await fake.sendHook("pull_request", pushEvent(1, t.head, "opened"));
    expect(d.status_code, web.logs.join("\n")).toBe(202);
    await until("the check run to conclude", () => runsOf(t.head).some((r) => r.status === "completed"), 60_000);
    expect(fake.stickyComments()).toHaveLength(1);
    // The same delivery again (GitHub's redelivery keeps its id): nothing new happens.
    const again = await fake.sendHook("pull_request", pushEvent(1, t.head, "opened"), { guid: d.guid });
    expect(again.status_code).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(runsOf(t.head)).toHaveLength(1);
    for (const p of [web, worker]) {
      expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
    }
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(/reachdiff_reviews_total\{outcome="reviewed"\} 1/);
    expect(metrics).toMatch(/reachdiff_queue_jobs\{state="waiting"\} 0/);
    expect(metrics).toMatch(/reachdiff_review_duration_seconds_bucket/);
    expect(metrics).toMatch(/reachdiff_github_requests_total\{method="POST",status="201"\}/);
    expect(metrics).toMatch(/reachdiff_archive_bytes_total [1-9]/);
    expect(metrics).toMatch(/reachdiff_worker_memory_bytes\{kind="rss"\} [1-9]/);
    const line = await until("the worker's log line", () => worker.json().find((l) => l.deliveryId === d.guid));
    expect(line).toMatchObject({
      event: "pull_request",
      installation: INSTALLATION_ID,
      repository: fake.fullName,
      pullRequest: 1,
      headSha: t.head,
      outcome: "reviewed",
    });
    expect(typeof line?.durationMs).toBe("number");
    // Neither the key, the webhook secret nor the installation token reaches a log line.
    for (const text of [...web.logs, ...worker.logs]) {
      expect(text).not.toContain("ghs_servicetesttoken");
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/PRIVATE KEY|MII[A-Za-z0-9+/]{20}/);
    }
    fake.installationToken = undefined;
  });

  it("a burst of 50 events over 20 pull requests through two web and two worker processes: one comment each, the last heads concluded, one review per pull request at a time, writes paced", async () => {
    await reset();
    const webs = [await service("web"), await service("web")];
    // No worker dies here: a lock nearer production's 30 s, so that a process starved of CPU on a loaded
    // machine does not lose its job to the other worker (the 3 s of the dying-worker tests would allow it).
    await service("worker", { REACHDIFF_CONCURRENCY: "2", REACHDIFF_LOCK_MS: "15000" });
    await service("worker", { REACHDIFF_CONCURRENCY: "2", REACHDIFF_LOCK_MS: "15000" });
    fake.hookUrls = webs.map((w) => w.webhookUrl);
    const last = new Map<number, string>();
    const events: [number, string, "opened" | "synchronize"][] = [];
    for (let n = 1; n <= 20; n++) {
      const head = headFor(n, 1);
      fake.openPull(n, head);
      last.set(n, head);
      events.push([n, head, "opened"]);
    }
    // 30 pushes: pull requests 1-10 twice, 11-20 once, interleaved.
    for (const [round, upTo] of [
      [2, 20],
      [3, 10],
    ])
      for (let n = 1; n <= upTo; n++) events.push([n, headFor(n, round), "synchronize"]);
    expect(events).toHaveLength(50);
    for (const [n, head, action] of events) {
      if (action === "synchronize") fake.push(n, head);
      last.set(n, head);
      const d = await fake.sendHook("pull_request", pushEvent(n, head, action));
      expect(d.status_code).toBe(202);
    }
    expect(new Set(fake.deliveries.map((d) => d.url)).size).toBe(2);
    await until("every pull request's last head to be concluded", () => settled(last), 150_000);
    for (let n = 1; n <= 20; n++) {
      const comments = fake.stickyComments().filter((c) => c.issue === n);
      expect(comments, `pull request #${n}`).toHaveLength(1);
      expect(comments[0].body).toContain(last.get(n)!.slice(0, 7));
    }
    expect(fake.checkRuns.filter((r) => r.status !== "completed")).toEqual([]);
    expect(overlaps()).toEqual([]);
    // GitHub documents at most 80 content-creating requests a minute (per installation); every replica
    // takes its slots from one pacer in Redis. Over the whole burst, the rate stays within it too
    // (measured between the first and the last write, so that a late request cannot mislead it).
    const times = installationWrites()
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(60);
    expect(busiest(times, 60_000)).toBeLessThanOrEqual(80);
    expect(((times.length - 1) * 60_000) / (times.at(-1)! - times[0])).toBeLessThanOrEqual(82);
    expect(fake.requests.filter((r) => r.status >= 400 && r.operationId !== "repos/get-content")).toEqual([]);
  }, 240_000);

  it("kill -9 of a worker mid-review: another worker takes the job over and concludes the same check run", async () => {
    await reset();
    const web = await service("web");
    fake.hookUrls = [web.webhookUrl];
    const first = await service("worker");
    // The archive answers late, so that the review is surely running when its worker dies.
    fake.delay("codeload", 30_000, 1);
    expect((await fake.sendHook("pull_request", pushEvent(1, t.head, "opened"))).status_code).toBe(202);
    await until("the archive request", () => fake.requests.some((r) => r.path.includes("/tarball/")), 30_000);
    expect(await first.stop("SIGKILL")).toBeNull();
    expect(runsOf(t.head)[0].status).toBe("in_progress");
    const second = await service("worker");
    await until("the check run to conclude", () => runsOf(t.head).every((r) => r.status === "completed"), 60_000);
    expect(runsOf(t.head)).toHaveLength(1);
    expect(runsOf(t.head)[0].conclusion).not.toBe("cancelled");
    expect(fake.stickyComments()).toHaveLength(1);
    const line = await until("the worker's log line", () => second.json().find((l) => l.outcome === "reviewed"));
    expect(line).toMatchObject({ retry: true, pullRequest: 1 });
  }, 120_000);

  it("a job whose workers keep dying: after its last attempt the sweep concludes its check run, saying how to re-run", async () => {
    await reset();
    const web = await service("web");
    fake.hookUrls = [web.webhookUrl];
    // Each attempt fetches both sides at once: two archive requests, both answering late.
    fake.delay("codeload", 60_000, 4);
    expect((await fake.sendHook("pull_request", pushEvent(1, t.head, "opened"))).status_code).toBe(202);
    const archives = (n: number) => () => fake.requests.filter((r) => r.path.includes("/tarball/")).length >= n;
    const first = await service("worker");
    await until("the first attempt's archive requests", archives(2), 30_000);
    await first.stop("SIGKILL");
    const second = await service("worker");
    await until("the second attempt's archive requests", archives(4), 30_000);
    await second.stop("SIGKILL");
    expect(runsOf(t.head).map((r) => r.status)).toEqual(["in_progress"]);
    await service("worker", { REACHDIFF_SWEEP_MS: "1000" });
    await until("the check run to conclude", () => runsOf(t.head).every((r) => r.status === "completed"), 60_000);
    expect(runsOf(t.head)).toHaveLength(1);
    expect(runsOf(t.head)[0]).toMatchObject({
      conclusion: "failure",
      output: { title: "Reachdiff stopped before finishing" },
    });
    expect(runsOf(t.head)[0].output.summary).toContain("Re-run the check or comment `/reachdiff`");
    expect(fake.stickyComments()).toEqual([]);
  }, 120_000);

  it("SIGTERM on a worker: it finishes its review within the grace period, or hands it back to another", async () => {
    await reset();
    const web = await service("web");
    fake.hookUrls = [web.webhookUrl];
    // Finishes: the review needs 2 s more, the grace period is 15 s.
    const patient = await service("worker", { REACHDIFF_DRAIN_MS: "15000" });
    fake.delay("codeload", 2000, 1);
    expect((await fake.sendHook("pull_request", pushEvent(1, t.head, "opened"))).status_code).toBe(202);
    await until("the archive request", () => fake.requests.some((r) => r.path.includes("/tarball/")), 30_000);
    expect(await patient.stop("SIGTERM")).toBe(0);
    expect(runsOf(t.head).map((r) => r.status)).toEqual(["completed"]);
    expect(patient.logs.join("\n")).toContain('"msg":"drained"');

    // Hands back: the review would need 60 s, the grace period is 1 s; another worker finishes it.
    const head2 = headFor(1, 2);
    fake.push(1, head2);
    const hasty = await service("worker", { REACHDIFF_DRAIN_MS: "1000" });
    fake.delay("codeload", 60_000, 1);
    expect((await fake.sendHook("pull_request", pushEvent(1, head2))).status_code).toBe(202);
    await until(
      "the archive request",
      () => fake.requests.filter((r) => r.path.includes("/tarball/")).length >= 3,
      30_000,
    );
    expect(await hasty.stop("SIGTERM")).toBe(0);
    expect(hasty.logs.join("\n")).toContain("handed back 1 job");
    expect(runsOf(head2).map((r) => r.status)).toEqual(["in_progress"]);
    const other = await service("worker");
    await until("the check run to conclude", () => runsOf(head2).every((r) => r.status === "completed"), 60_000);
    expect(runsOf(head2)).toHaveLength(1);
    const line = await until("the worker's log line", () => other.json().find((l) => l.outcome === "reviewed"));
    expect(line).toMatchObject({ retry: true, headSha: head2 });
  }, 150_000);

  it("Redis stopped mid-burst: intake answers 503 while it is away; once it is back the sweep has GitHub redeliver", async () => {
    await reset();
    const web = await service("web");
    const worker = await service("worker", { REACHDIFF_SWEEP_MS: "1500" });
    fake.hookUrls = [web.webhookUrl];
    const heads = new Map<number, string>();
    for (let n = 1; n <= 6; n++) {
      heads.set(n, headFor(n, 1));
      fake.openPull(n, heads.get(n)!);
    }
    for (const n of [1, 2, 3])
      expect((await fake.sendHook("pull_request", pushEvent(n, heads.get(n)!, "opened"))).status_code).toBe(202);
    await redis.stop();
    for (const n of [4, 5, 6])
      expect((await fake.sendHook("pull_request", pushEvent(n, heads.get(n)!, "opened"))).status_code).toBe(503);
    expect((await fetch(`${web.url}/readyz`)).status).toBe(503);
    await redis.start();
    await until("every pull request to be concluded", () => settled(heads), 90_000);
    for (let n = 1; n <= 6; n++) expect(fake.stickyComments().filter((c) => c.issue === n)).toHaveLength(1);
    const redelivered = fake.deliveries.filter((d) => d.redelivery);
    expect(redelivered.map((d) => d.status_code)).toEqual([202, 202, 202]);
    expect(fake.calls("apps/redeliver-webhook-delivery")).toHaveLength(3);
    expect(worker.logs.join("\n")).toContain("asked GitHub to redeliver");
    expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
  }, 150_000);
});

describe("the App service without Redis", () => {
  it("an in-process queue: a full queue answers 503, and the sweep has the refused delivery redelivered", async () => {
    await reset();
    const app = await service(
      "all",
      { REACHDIFF_CONCURRENCY: "1", REACHDIFF_QUEUE_MAX: "1", REACHDIFF_SWEEP_MS: "4000" },
      false,
    );
    fake.hookUrls = [app.webhookUrl];
    const heads = new Map<number, string>();
    for (let n = 1; n <= 3; n++) {
      heads.set(n, headFor(n, 1));
      fake.openPull(n, heads.get(n)!);
    }
    fake.delay("codeload", 2000, 1);
    const answers = [];
    for (let n = 1; n <= 3; n++)
      answers.push((await fake.sendHook("pull_request", pushEvent(n, heads.get(n)!, "opened"))).status_code);
    expect(answers).toEqual([202, 202, 503]);
    await until("every pull request to be concluded", () => settled(heads), 60_000);
    for (let n = 1; n <= 3; n++) expect(fake.stickyComments().filter((c) => c.issue === n)).toHaveLength(1);
    // Redelivered until the queue had room (the sweep asks at most three times per event).
    expect(fake.deliveries.filter((d) => d.redelivery).at(-1)?.status_code).toBe(202);
    expect(overlaps()).toEqual([]);
  }, 120_000);
});
