// /metrics in Prometheus' text format (prom-client): the queue, the reviews, GitHub requests and
// waits, archive bytes (downloaded, and read from the on-disk cache instead) and this process's
// memory. Queue and cache figures are read when scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ArchiveCache } from "../github/archive-cache.js";
import type { JobQueue } from "../queue/job.js";

export class Metrics {
  readonly registry = new Registry();
  readonly reviews = new Counter({
    name: "reachdiff_reviews_total",
    help: "Jobs finished, by outcome (reviewed, no-manifest-change, stale, closed, failed, command, ignored, ...)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: "reachdiff_review_duration_seconds",
    help: "Time from the job's start to its end",
    labelNames: ["outcome"],
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "reachdiff_webhook_to_done_seconds",
    help: "Time from the webhook's arrival to the job's end",
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: "reachdiff_github_requests_total",
    help: "Requests to GitHub's API, by method and status",
    labelNames: ["method", "status"],
    registers: [this.registry],
  });
  readonly waits = new Counter({
    name: "reachdiff_github_rate_limit_waits_total",
    help: "Waits before a request to GitHub: pacing (writes per installation) or a rate limit answered",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  readonly waitSeconds = new Counter({
    name: "reachdiff_github_rate_limit_wait_seconds_total",
    help: "Seconds spent in pacing waits",
    registers: [this.registry],
  });
  readonly archiveBytes = new Counter({
    name: "reachdiff_archive_bytes_total",
    help: "Bytes of repository archives downloaded",
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: "reachdiff_webhooks_refused_total",
    help: "Webhook deliveries answered 503, by reason (full, draining, unavailable)",
    labelNames: ["reason"],
    registers: [this.registry],
  });

  constructor(queue?: JobQueue, archiveCache?: ArchiveCache) {
    collectDefaultMetrics({ register: this.registry });
    // The archive cache keeps its own figures (the reviews of this process update them); read when scraped.
    const cache = archiveCache?.stats;
    new Counter({
      name: "reachdiff_archive_cache_requests_total",
      help: "Archives asked of the on-disk cache, by result (hit, miss; a miss is downloaded)",
      labelNames: ["result"],
      registers: [this.registry],
      collect() {
        if (!cache) return;
        this.reset();
        this.inc({ result: "hit" }, cache.hits);
        this.inc({ result: "miss" }, cache.misses);
      },
    });
    new Counter({
      name: "reachdiff_parsed_cache_requests_total",
      help: "Commits' selected files (parsed results) asked of the on-disk cache, by result (hit, miss; a miss reads the archive)",
      labelNames: ["result"],
      registers: [this.registry],
      collect() {
        if (!cache) return;
        this.reset();
        this.inc({ result: "hit" }, cache.parsedHits);
        this.inc({ result: "miss" }, cache.parsedMisses);
      },
    });
    new Counter({
      name: "reachdiff_archive_cache_saved_bytes_total",
      help: "Bytes of archives read from the on-disk cache instead of downloaded",
      registers: [this.registry],
      collect() {
        if (!cache) return;
        this.reset();
        this.inc(cache.savedBytes);
      },
    });
    new Gauge({
      name: "reachdiff_archive_cache_bytes",
      help: "Size of the on-disk archive cache at its last eviction pass (shared by the processes that use its folder)",
      registers: [this.registry],
      collect() {
        if (cache) this.set(cache.bytes);
      },
    });
    const age = new Gauge({
      name: "reachdiff_queue_oldest_age_seconds",
      help: "Age of the oldest job not yet started",
      registers: [this.registry],
    });
    new Gauge({
      name: "reachdiff_queue_jobs",
      help: "Jobs in the queue, by state (waiting, active, delayed)",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        const c = await queue?.counts().catch(() => undefined);
        if (!c) return;
        this.set({ state: "waiting" }, c.waiting);
        this.set({ state: "active" }, c.active);
        this.set({ state: "delayed" }, c.delayed);
        age.set(c.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: "reachdiff_worker_memory_bytes",
      help: "This process's memory: rss, peak rss, heap used",
      labelNames: ["kind"],
      registers: [this.registry],
      collect() {
        const m = process.memoryUsage();
        this.set({ kind: "rss" }, m.rss);
        this.set({ kind: "peak_rss" }, process.resourceUsage().maxRSS * 1024);
        this.set({ kind: "heap_used" }, m.heapUsed);
      },
    });
  }
}
