// Starts the App's service (`node build/src/service/main.js`, the image's entry point) as processes
// against the loopback GitHub: web, worker or all, on Redis or on the in-process queue.
import { type ChildProcess, spawn } from "node:child_process";
import { freePort, ROOT, SECRET, until } from "./harness.js";

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
  const port = await freePort();
  const api = new URL(options.apiUrl);
  const child = spawn(process.execPath, [`${ROOT}build/src/service/main.js`], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_ID: String(options.appId),
      PRIVATE_KEY: options.privateKey,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      GHE_HOST: api.host,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "info",
      NODE_ENV: "test",
      REACHDIFF_ROLE: options.role,
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  child.stdout!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
  child.stderr!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await until(
    `the ${options.role} process to listen`,
    () => {
      if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}:\n${logs.join("\n")}`);
      return logs.some((l) => l.includes("Listening on"));
    },
    60_000,
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    role: options.role,
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    logs,
    child,
    exited,
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
