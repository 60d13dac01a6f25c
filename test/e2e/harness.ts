// Starts the real probot server (`probot run build/src/app.js`) as a process against the loopback
// GitHub server, and small helpers the end-to-end tests share.
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SECRET = "reachdiff-test-secret";
export const INSTALLATION_ID = 31337;

export function keyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface AppProcess {
  readonly url: string;
  readonly webhookUrl: string;
  readonly logs: string[];
  /** The process's exit code, once it exited. */
  readonly exited: Promise<number | null>;
  /** Sends a signal (SIGTERM as a deploy does) without waiting. */
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** `probot run ./build/src/app.js` with the App's credentials, talking to the fake API (GHE_HOST). */
export async function startApp(options: {
  apiUrl: string;
  appId: number;
  privateKey: string;
  env?: Record<string, string>;
}): Promise<AppProcess> {
  const port = await freePort();
  const api = new URL(options.apiUrl);
  const child: ChildProcess = spawn(
    process.execPath,
    [`${ROOT}node_modules/probot/bin/probot.js`, "run", "./build/src/app.js"],
    {
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
        LOG_FORMAT: "json",
        NODE_ENV: "test",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const logs: string[] = [];
  child.stdout!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
  child.stderr!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await until(
    "the probot server to listen",
    () => {
      if (child.exitCode !== null) throw new Error(`probot exited ${child.exitCode}:\n${logs.join("\n")}`);
      return logs.some((l) => l.includes("Listening on"));
    },
    90_000,
  );
  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    logs,
    exited,
    kill: (signal) => void child.kill(signal),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Waits until the App has made no request for 2 s (when probot answered before the work was done). */
export async function quiet(fake: { readonly requests: readonly unknown[] }): Promise<void> {
  let seen = -1;
  let since = Date.now();
  await until(
    "the App to go quiet",
    () => {
      if (fake.requests.length !== seen) [seen, since] = [fake.requests.length, Date.now()];
      return Date.now() - since > 2000;
    },
    60_000,
  );
}
