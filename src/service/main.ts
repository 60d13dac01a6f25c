// The App as a service: one entry point for every process (`node build/src/service/main.js`), its job
// chosen by REACHDIFF_ROLE: `web` takes webhooks into the queue, `worker` runs reviews, `all` (the
// default) both. With REDIS_URL the queue is Redis (any number of web and worker replicas); without,
// an in-process bounded queue. SIGTERM drains: /readyz turns 503, intake stops, running reviews get
// REACHDIFF_DRAIN_MS to finish, then are handed back to the queue. `npm run app` runs it too (role all,
// .env read); with no APP_ID yet, outside production, it serves probot's page to register an App instead.
import type { Octokit } from "@octokit/core";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import reachdiffApp, { appOptions, supersedeOnArrival } from "../app.js";
import { REDACT_PATHS } from "../github/errors.js";
import { archiveCacheFromEnv } from "../github/archive-cache.js";
import { sharePacers } from "../github/pacing.js";
import type { JobQueue } from "../queue/job.js";
import { MemoryQueue } from "../queue/memory.js";
import { RedisPacer } from "../queue/pacer.js";
import { RedisQueue } from "../queue/redis.js";
import { startHttp } from "./http.js";
import { abandoned, processor } from "./jobs.js";
import { Metrics } from "./metrics.js";
import { serveRegistration } from "./register.js";
import { needsRegistration, readSettings, type ServiceSettings } from "./settings.js";
import { startSweep } from "./sweep.js";

async function serve(settings: ServiceSettings): Promise<void> {
  const log = pino({
    level: settings.logLevel,
    base: { role: settings.role },
    redact: { paths: REDACT_PATHS, censor: "[Redacted]" },
  });

  let metrics: Metrics | undefined;
  // Every GitHub client of this process counts its requests, rate-limit answers and archive bytes.
  const counted = (octokit: Octokit) => {
    octokit.hook.after("request", (response, options) => {
      metrics?.requests.inc({ method: String(options.method), status: String(response.status) });
      // Archives are streamed (never parsed whole): count their bytes as they pass.
      if (response.data instanceof ReadableStream)
        response.data = response.data.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, out) {
              metrics?.archiveBytes.inc(chunk.byteLength);
              out.enqueue(chunk);
            },
          }),
        ) as never;
    });
    octokit.hook.error("request", (error, options) => {
      const status = (error as { status?: number }).status;
      metrics?.requests.inc({ method: String(options.method), status: String(status ?? "error") });
      if (status === 403 || status === 429) metrics?.waits.inc({ kind: "rate_limit" });
      throw error;
    });
  };

  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.baseUrl,
    log: log as never,
    Octokit: ProbotOctokit.plugin(counted as never),
  });
  const worker = settings.role !== "web";
  const queue: JobQueue = settings.redisUrl
    ? new RedisQueue({
        url: settings.redisUrl,
        maxWaiting: settings.maxWaiting,
        lockMs: settings.lockMs,
        onAbandoned: (job, reason) => abandoned(probot, log)(job, reason),
      })
    : new MemoryQueue(settings.maxWaiting);
  metrics = new Metrics(queue, archiveCacheFromEnv());
  const m = metrics;
  if (queue instanceof RedisQueue)
    sharePacers(
      (key, perMinute) =>
        new RedisPacer(queue.client, queue.key(`pace:${key}`), perMinute, (ms) => {
          m.waits.inc({ kind: "pacing" });
          m.waitSeconds.inc(ms / 1000);
        }),
    );

  appOptions.handleSignals = false; // this process drains through its queue (below)
  await probot.load(reachdiffApp);
  let draining = false;
  const server = await startHttp(
    {
      probot,
      queue,
      metrics,
      log,
      webhookPath: settings.webhookPath,
      intake: settings.role !== "worker",
      draining: () => draining,
      // Without Redis the reviews run in this process: a push or a close stops its pull request's review
      // at once, rather than waiting behind it. (With Redis the review may run in another process.)
      queued:
        queue.kind === "memory"
          ? (job) => {
              const installation = job.payload?.installation?.id;
              if (typeof installation !== "number" || !["pull_request", "merge_group"].includes(job.name)) return;
              const auth = async () => (await probot.auth(installation)) as never;
              supersedeOnArrival(auth, job.name, job.payload, (m) => log.info(m)).catch((error) =>
                log.warn({ error: (error as Error).message }, `superseding on ${job.id} failed`),
              );
            }
          : undefined,
    },
    settings.host,
    settings.port,
  );
  if (worker) queue.process(processor(probot, log, metrics), settings.concurrency);
  const sweep =
    worker && settings.sweepMs > 0
      ? startSweep({
          probot,
          queue,
          log,
          everyMs: settings.sweepMs,
          lookbackMs: settings.sweepLookbackMs,
          staleMs: (Number(process.env.REACHDIFF_TIMEOUT_MS) || 5 * 60_000) + 4 * settings.lockMs,
          abandon: abandoned(probot, log),
        })
      : undefined;
  log.info(
    { queue: queue.kind, concurrency: worker ? settings.concurrency : 0 },
    `Listening on http://${settings.host}:${settings.port} (${settings.role}, ${queue.kind} queue${worker ? `, ${settings.concurrency} reviews at once` : ""})`,
  );

  // probot run forwarded from a smee.io channel itself (the setup page makes one); the service does not.
  if (process.env.WEBHOOK_PROXY_URL)
    log.warn(
      `WEBHOOK_PROXY_URL is set but not forwarded from: run \`npx smee-client --url ${process.env.WEBHOOK_PROXY_URL} ` +
        `--target http://localhost:${settings.port}${settings.webhookPath}\` beside this process`,
    );

  const stop = async (signal: string) => {
    if (draining) return;
    draining = true;
    log.info({ signal }, `${signal}: draining (up to ${settings.drainMs} ms)`);
    sweep?.stop();
    const left = await queue.drain(settings.drainMs);
    if (left.length && queue.kind === "memory")
      await Promise.all(left.map((job) => abandoned(probot, log)(job, "the process stopped").catch(() => undefined)));
    log.info({ left: left.length }, left.length ? `handed back ${left.length} job(s)` : "drained");
    server.close();
    await queue.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

if (needsRegistration()) await serveRegistration(pino({ level: process.env.LOG_LEVEL ?? "info" }));
else await serve(readSettings());
