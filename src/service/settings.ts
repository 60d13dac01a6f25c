// The App service's settings, from the environment (one image; the role decides what a process does).
import { readFileSync } from "node:fs";
import { totalmem } from "node:os";

export type Role = "web" | "worker" | "all";

export interface ServiceSettings {
  readonly role: Role;
  readonly redisUrl?: string;
  readonly host: string;
  readonly port: number;
  readonly webhookPath: string;
  readonly appId: number;
  readonly privateKey: string;
  readonly webhookSecret: string;
  /** GitHub's REST API (GitHub Enterprise Server: https://HOST/api/v3). */
  readonly baseUrl?: string;
  readonly logLevel: string;
  /** Reviews at once in this process. */
  readonly concurrency: number;
  readonly reviewMemoryMb: number;
  readonly maxWaiting: number;
  readonly lockMs: number;
  readonly drainMs: number;
  readonly sweepMs: number;
  readonly sweepLookbackMs: number;
  readonly writesPerMinute?: number;
}

/**
 * No App yet (no APP_ID) outside production: the service then serves probot's first-run page instead
 * (register.ts). In production a missing APP_ID is an error, as any other missing credential.
 */
export function needsRegistration(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.APP_ID && env.NODE_ENV !== "production";
}

const num = (v: string | undefined, fallback: number) =>
  v !== undefined && v !== "" && Number.isFinite(Number(v)) ? Number(v) : fallback;

/** The memory this process may use: the container's cgroup limit when there is one, else the machine's. */
function memoryLimitBytes(): number {
  for (const file of ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]) {
    try {
      const v = Number(readFileSync(file, "utf8").trim());
      if (Number.isFinite(v) && v > 0 && v < 2 ** 60) return Math.min(v, totalmem());
    } catch {
      // no such cgroup file: try the next
    }
  }
  return totalmem();
}

/**
 * Reviews at once: as many as fit beside the process's own ~300 MiB, each given `reviewMemoryMb`
 * (its worker thread's heap limit), at least 1, at most `cap`.
 */
export function concurrencyFor(limitBytes: number, reviewMemoryMb: number, cap: number): number {
  const fit = Math.floor((limitBytes / 2 ** 20 - 300) / reviewMemoryMb);
  return Math.max(1, Math.min(cap, fit));
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const role = (env.REACHDIFF_ROLE ?? "all") as Role;
  if (!["web", "worker", "all"].includes(role))
    throw new Error(`REACHDIFF_ROLE must be web, worker or all, not ${role}`);
  const privateKey = env.PRIVATE_KEY ?? (env.PRIVATE_KEY_PATH ? readFileSync(env.PRIVATE_KEY_PATH, "utf8") : "");
  if (!env.APP_ID || !privateKey) throw new Error("APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) must be set");
  if (!env.WEBHOOK_SECRET) throw new Error("WEBHOOK_SECRET must be set");
  const redisUrl = env.REDIS_URL || undefined;
  // Without Redis the queue is in this process: web and worker must be the same process.
  if (!redisUrl && role !== "all")
    throw new Error(`REACHDIFF_ROLE=${role} needs REDIS_URL (a queue shared with the other role)`);
  const reviewMemoryMb = num(env.REACHDIFF_REVIEW_MEMORY_MB, 1024);
  return {
    role,
    redisUrl,
    host: env.HOST ?? "localhost",
    port: num(env.PORT, 3000),
    webhookPath: env.WEBHOOK_PATH ?? "/api/github/webhooks",
    appId: Number(env.APP_ID),
    privateKey: privateKey.replace(/\\n/g, "\n"),
    webhookSecret: env.WEBHOOK_SECRET,
    baseUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3` : undefined,
    logLevel: env.LOG_LEVEL ?? "info",
    concurrency: num(env.REACHDIFF_CONCURRENCY, concurrencyFor(memoryLimitBytes(), reviewMemoryMb, redisUrl ? 4 : 2)),
    reviewMemoryMb,
    maxWaiting: num(env.REACHDIFF_QUEUE_MAX, redisUrl ? 1000 : 100),
    lockMs: num(env.REACHDIFF_LOCK_MS, 30_000),
    drainMs: num(env.REACHDIFF_DRAIN_MS, 20_000),
    sweepMs: num(env.REACHDIFF_SWEEP_MS, 5 * 60_000),
    sweepLookbackMs: num(env.REACHDIFF_SWEEP_LOOKBACK_MS, 6 * 3600_000),
    writesPerMinute: env.REACHDIFF_WRITES_PER_MINUTE ? Number(env.REACHDIFF_WRITES_PER_MINUTE) : undefined,
  };
}
