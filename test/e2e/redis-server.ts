// A real redis-server (Debian package redis-server) on a free loopback port, in a private folder,
// for the tests that run the App on Redis. Append-only persistence, so that a stop and a restart on
// the same port keep the queue (as a Redis with persistence in production would).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, until } from "./harness.js";

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM: it writes its append-only file first). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>;
  /** Empties every database: a test starts with no jobs, locks or deduplication keys of the one before. */
  flush(): Promise<void>;
}

function redisServerPath(): string {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error("redis-server is not installed (Debian: apt-get install redis-server)");
  return found;
}

/** `args`: more redis-server arguments (e.g. a Helm chart's, such as `--requirepass`). */
export async function startRedis(args: readonly string[] = []): Promise<RedisServer> {
  const bin = redisServerPath();
  const dir = mkdtempSync(join(tmpdir(), "reachdiff-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let out = "";
  const start = async () => {
    out = "";
    child = spawn(
      bin,
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", ...args],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout!.on("data", (d) => {
      out += String(d);
    });
    child.stderr!.on("data", (d) => {
      out += String(d);
    });
    await until(
      "redis-server to accept connections",
      () => {
        if (child!.exitCode !== null) throw new Error(`redis-server exited ${child!.exitCode}:\n${out}`);
        return /Ready to accept connections/.test(out);
      },
      20_000,
    );
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async flush() {
      const client = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1 });
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
  };
}
