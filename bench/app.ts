// npm run bench:app — the App as a service under a burst: reviews per minute, the time from a webhook
// to its concluded check run (p50, p95) and each worker's peak memory, with 1, 2 and 4 worker processes
// (one review at a time each) on the S and M repositories. A real redis-server, the real service
// processes, the loopback GitHub of the e2e tests. Writes are not paced here (REACHDIFF_WRITES_PER_MINUTE
// 6000): what is measured is the review capacity, not GitHub's limit of 80 writes a minute.
//
//   npm run bench:app -- --sizes S,M --workers 1,2,4 --prs 8
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { FakeGitHub } from "../test/e2e/fake-github.ts";
import { INSTALLATION_ID, keyPair, SECRET, type ServiceProcess, startService, until } from "../test/e2e/harness.ts";
import { startRedis } from "../test/e2e/redis-server.ts";
import { pullRequestEvent } from "../test/e2e/webhooks.ts";
import { SIZES, writeRepository } from "./generate.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "S,M" },
    workers: { type: "string", default: "1,2,4" },
    prs: { type: "string", default: "8" },
    out: { type: "string", default: "bench/out" },
    results: { type: "string", default: "bench/out/app-results.json" },
  },
});

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Row {
  size: string;
  workers: number;
  prs: number;
  reviewsPerMinute: number;
  p50Seconds: number;
  p95Seconds: number;
  peakWorkerRssMb: number[];
}

async function runOne(size: string, workers: number, prs: number): Promise<Row> {
  const gen = writeRepository(SIZES[size], 1, values.out!);
  const head = gen.heads.find((h) => h.change === "netpol")!;
  const keys = keyPair();
  const redis = await startRedis();
  const fake = new FakeGitHub({ publicKeyPem: keys.publicKey });
  await fake.start();
  fake.hookSecret = SECRET;
  const procs: ServiceProcess[] = [];
  try {
    const main = fake.commit(filesOf(gen.base));
    fake.branches.set("main", main);
    const changed = Object.fromEntries(head.changedFiles.map((f) => [f, readFileSync(join(head.dir, f), "utf8")]));
    const start = (role: "web" | "worker") =>
      startService({
        role,
        apiUrl: fake.url,
        appId: fake.appId,
        privateKey: keys.privateKey,
        redisUrl: redis.url,
        env: {
          REACHDIFF_CONCURRENCY: "1",
          REACHDIFF_WRITES_PER_MINUTE: "6000",
          REACHDIFF_SWEEP_MS: "0",
        },
      });
    const web = await start("web");
    procs.push(web);
    const ws: ServiceProcess[] = [];
    for (let i = 0; i < workers; i++) ws.push(await start("worker"));
    procs.push(...ws);
    fake.hookUrls = [web.webhookUrl];
    const heads = new Map<number, string>();
    for (let n = 1; n <= prs; n++) {
      const sha = fake.commit(
        {
          ...changed,
          [`apps/bench-pr-${n}.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench-pr-${n}\n  namespace: default\n`,
        },
        main,
      );
      fake.openPull(n, sha);
      heads.set(n, sha);
    }
    const sent = new Map<number, number>();
    const target = { owner: fake.owner, repo: fake.repo, installationId: INSTALLATION_ID };
    await Promise.all(
      [...heads].map(async ([n, sha]) => {
        sent.set(n, Date.now());
        const d = await fake.sendHook(
          "pull_request",
          pullRequestEvent(target, "opened", { number: n, head: sha, base: main }),
        );
        if (d.status_code !== 202) throw new Error(`delivery answered ${d.status_code}`);
      }),
    );
    await until(
      "every check run to conclude",
      () =>
        [...heads.values()].every((sha) => fake.checkRuns.some((r) => r.head_sha === sha && r.status === "completed")),
      30 * 60_000,
    );
    const done = (sha: string) => {
      const run = fake.checkRuns.find((r) => r.head_sha === sha)!;
      return fake
        .calls("checks/update")
        .find((r) => r.path.endsWith(`/check-runs/${run.id}`) && (r.body as { conclusion?: string }).conclusion)!.at;
    };
    const latencies = [...heads].map(([n, sha]) => (done(sha) - sent.get(n)!) / 1000).sort((a, b) => a - b);
    const first = Math.min(...sent.values());
    const last = Math.max(...[...heads.values()].map(done));
    const peaks: number[] = [];
    for (const w of ws) {
      const text = await (await fetch(`${w.url}/metrics`)).text();
      peaks.push(
        Math.round(Number(/reachdiff_worker_memory_bytes\{kind="peak_rss"\} (\d+)/.exec(text)?.[1] ?? 0) / 2 ** 20),
      );
    }
    return {
      size,
      workers,
      prs,
      reviewsPerMinute: Math.round((prs * 60_000 * 10) / (last - first)) / 10,
      p50Seconds: Math.round(pct(latencies, 50) * 10) / 10,
      p95Seconds: Math.round(pct(latencies, 95) * 10) / 10,
      peakWorkerRssMb: peaks,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop("SIGKILL")));
    await fake.stop();
    await redis.dispose();
  }
}

const rows: Row[] = [];
for (const size of values.sizes!.split(","))
  for (const workers of values.workers!.split(",").map(Number)) {
    const row = await runOne(size, workers, Number(values.prs));
    rows.push(row);
    console.log(
      `${row.size}  workers ${row.workers}  ${row.prs} PRs  ${row.reviewsPerMinute} reviews/min  p50 ${row.p50Seconds} s  p95 ${row.p95Seconds} s  peak RSS per worker ${row.peakWorkerRssMb.join(", ")} MB`,
    );
  }
const machine = {
  cpus: `${cpus()[0]?.model ?? "?"} x${cpus().length}`,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  node: process.version,
  load1: loadavg()[0],
  date: new Date().toISOString(),
};
mkdirSync(values.out!, { recursive: true });
writeFileSync(values.results!, `${JSON.stringify({ machine, rows }, null, 1)}\n`);
console.log(JSON.stringify(machine));
