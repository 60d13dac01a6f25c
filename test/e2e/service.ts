// Starts the App's service (`node build/src/service/main.js`, the image's entry point) as processes
// against the loopback GitHub: web, worker or all, on Redis or on the in-process queue.
import type { ChildProcess } from "node:child_process";
import { ROOT, startServer } from "./harness.js";

export interface ServiceProcess {
  readonly role: string;
  readonly url: string;
  readonly webhookUrl: string;
  readonly logs: string[];
  readonly child: ChildProcess;
  /** Parsed JSON log lines. */
  json(): Record<string, unknown>[];
  /** SIGTERM, and the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

export async function startService(options: {
  role: "web" | "worker" | "all";
  apiUrl: string;
  appId: number;
  privateKey: string;
  redisUrl?: string;
  env?: Record<string, string>;
}): Promise<ServiceProcess> {
  const server = await startServer({
    ...options,
    name: `${options.role} process`,
    argv: [`${ROOT}build/src/service/main.js`],
    env: { REACHDIFF_ROLE: options.role, ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}), ...options.env },
    timeoutMs: 60_000,
  });
  const { child, logs, exited } = server;
  return {
    ...server,
    role: options.role,
    json: () =>
      logs.flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
