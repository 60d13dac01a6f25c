// The one harness of the end-to-end tests: `useGitHub()` starts the loopback GitHub for a test file,
// seeds the test repository before each test, starts the App (the real probot server, `probot run
// build/src/app.js`) as a process, checks after each test that the fake itself went right, and tears
// it all down; `runAction` runs the Action as the runner does. The process helpers below it (the App,
// the service's web and worker processes) are shared with Redis (redis-server.ts) and the App benchmark.
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { FakeGitHub, type Recorded } from "./fake-github.js";
import { seedRepo, type TestRepo } from "./repo-fixture.js";
import { deliver, type Target, validateWebhook } from "./webhooks.js";

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

export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
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

/** What the App and the service both are: a process that serves webhooks on a free loopback port. */
export interface ServerProcess {
  readonly url: string;
  readonly webhookUrl: string;
  readonly logs: string[];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

/**
 * Spawns `argv` (a script run by this Node) in the repository with the App's credentials against the
 * fake API (GHE_HOST), its output kept line by line, and waits until it says it listens.
 */
async function startServer(options: {
  name: string;
  argv: string[];
  apiUrl: string;
  appId: number;
  privateKey: string;
  /** Added to the environment; an undefined value removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs: number;
}): Promise<ServerProcess> {
  const port = await freePort();
  const api = new URL(options.apiUrl);
  const child = spawn(process.execPath, options.argv, {
    cwd: options.cwd ?? ROOT,
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
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  child.stdout!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
  child.stderr!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await until(
    `the ${options.name} to listen`,
    () => {
      if (child.exitCode !== null) throw new Error(`${options.name} exited ${child.exitCode}:\n${logs.join("\n")}`);
      return logs.some((l) => l.includes("Listening on"));
    },
    options.timeoutMs,
  );
  const url = `http://127.0.0.1:${port}`;
  return { url, webhookUrl: `${url}/api/github/webhooks`, logs, child, exited };
}

/** `probot run ./build/src/app.js` with the App's credentials, talking to the fake API (GHE_HOST). */
async function startApp(options: {
  apiUrl: string;
  appId: number;
  privateKey: string;
  env?: Record<string, string>;
}): Promise<AppProcess> {
  const { child, ...server } = await startServer({
    ...options,
    name: "probot server",
    argv: [`${ROOT}node_modules/probot/bin/probot.js`, "run", "./build/src/app.js"],
    env: { LOG_FORMAT: "json", ...options.env },
    timeoutMs: 90_000,
  });
  return {
    ...server,
    kill: (signal) => void child.kill(signal),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await server.exited;
    },
  };
}

/** The App's service (`node build/src/service/main.js`, the image's entry point and `npm run app`): web, worker or all. */
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
  env?: Record<string, string | undefined>;
  /** Node's arguments (default: the entry point alone) and the working folder (default: the repository). */
  argv?: string[];
  cwd?: string;
}): Promise<ServiceProcess> {
  const server = await startServer({
    ...options,
    name: `${options.role} process`,
    argv: options.argv ?? [`${ROOT}build/src/service/main.js`],
    env: { REACHDIFF_ROLE: options.role, ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}), ...options.env },
    timeoutMs: 60_000,
  });
  const { child, logs, exited } = server;
  // As a readiness probe gates a pod's traffic: with Redis, a process listens before its queue's
  // connection is up, and a delivery in between is answered 503.
  if (options.redisUrl) {
    const end = Date.now() + 30_000;
    while ((await fetch(`${server.url}/readyz`).catch(() => undefined))?.status !== 200) {
      if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}:\n${logs.join("\n")}`);
      if (Date.now() > end) throw new Error(`the ${options.role} process never became ready:\n${logs.join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
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

/**
 * Waits until the App has made no request for `ms` (2 s; work may go on after probot answered) and
 * `done` holds.
 */
export async function quiet(
  fake: { readonly requests: readonly unknown[] },
  options: { ms?: number; timeoutMs?: number; done?: () => boolean } = {},
): Promise<void> {
  const { ms = 2000, timeoutMs = 60_000, done = () => true } = options;
  let seen = -1;
  let since = Date.now();
  await until(
    "the App to go quiet",
    () => {
      if (fake.requests.length !== seen) [seen, since] = [fake.requests.length, Date.now()];
      return Date.now() - since > ms && done();
    },
    timeoutMs,
  );
}

export interface GitHubTest {
  /** The loopback GitHub (started before the file's first test). */
  readonly fake: FakeGitHub;
  /** The App's key pair (the fake checks the App's JWTs against its public key). */
  readonly keys: { privateKey: string; publicKey: string };
  /** The test repository, seeded before each test (with `seed: false`, undefined). */
  readonly repo: TestRepo;
  /** The App's process of the file (with `app`: probot, or with `app.service` the service in role all). */
  readonly app: AppProcess;
  /** The repository and installation webhooks name. */
  target(): Target;
  /**
   * Empties the fake (requests, comments, check runs, commits, pull requests, collaborators, other
   * repositories) and seeds the test repository again, with `config` as main's .github/reachdiff.yml.
   */
  seed(config?: string): TestRepo;
  /** Another App process on the same fake (the caller stops it). */
  startApp(env?: Record<string, string>): Promise<AppProcess>;
  /** A service process (web, worker or all) on the same fake, on Redis at `redisUrl` or in-process (the caller stops it). */
  startService(
    role: "web" | "worker" | "all",
    options?: { redisUrl?: string; env?: Record<string, string | undefined>; argv?: string[]; cwd?: string },
  ): Promise<ServiceProcess>;
  /**
   * Delivers a signed, schema-checked webhook to the App (or `to`); probot answers 200 when the
   * handlers are done, or 202 after 9 s (GitHub's delivery timeout is 10 s), and then this waits for
   * the App to go quiet.
   */
  send(
    event: string,
    payload: Record<string, unknown>,
    deliveryId?: string,
    to?: { readonly webhookUrl: string },
  ): Promise<number>;
  /** Waits until the App has made no request for 2 s. */
  settle(): Promise<void>;
  /** Requests GitHub would have refused: any 4xx/5xx other than the expected 404 for an absent config. */
  refused(): Recorded[];
  /** The Action run on the test repository (see `runAction` below). */
  runAction(
    ...args: Parameters<typeof runAction> extends [GitHubTest, ...infer Rest] ? Rest : never
  ): Promise<ActionRun>;
}

/**
 * Registers vitest's hooks for a file (or a describe block) of end-to-end tests: the fake GitHub,
 * `configure`d before it starts; with `app`, the App's process with `app.env`; the test repository
 * before each test (unless `seed: false`, which only empties the fake); and after each test, that
 * the fake API itself went right.
 */
export function useGitHub(
  options: {
    app?: { env?: Record<string, string>; service?: boolean };
    seed?: boolean;
    configure?: (fake: FakeGitHub) => void;
  } = {},
): GitHubTest {
  const keys = keyPair();
  const fake = new FakeGitHub({ publicKeyPem: keys.publicKey });
  let repo: TestRepo | undefined;
  let app: AppProcess | undefined;
  const empty = () => {
    fake.reset();
    fake.commits.clear();
    fake.pulls.clear();
    fake.collaborators.clear();
    fake.otherRepos.length = 0;
  };
  const credentials = () => ({ apiUrl: fake.url, appId: fake.appId, privateKey: keys.privateKey });
  const startAnother = (env?: Record<string, string>) => startApp({ ...credentials(), env });
  const settle = () => quiet(fake);
  const test: GitHubTest = {
    fake,
    keys,
    get repo() {
      if (!repo) throw new Error("no test repository: useGitHub({ seed: false })");
      return repo;
    },
    get app() {
      if (!app) throw new Error("no App process: useGitHub({ app })");
      return app;
    },
    target: () => ({ owner: fake.owner, repo: fake.repo, installationId: INSTALLATION_ID }),
    seed(config) {
      empty();
      repo = seedRepo(fake, config);
      return repo;
    },
    startApp: startAnother,
    startService: (role, more = {}) => startService({ role, ...credentials(), ...more }),
    async send(event, payload, deliveryId, to) {
      validateWebhook(event, payload);
      const res = await deliver((to ?? test.app).webhookUrl, SECRET, event, payload, { deliveryId });
      expect([200, 202]).toContain(res.status);
      if (res.status === 202) await settle();
      return res.status;
    },
    settle,
    refused: () =>
      fake.requests.filter((r) => r.status >= 400 && !(r.operationId === "repos/get-content" && r.status === 404)),
    runAction: (...args) => runAction(test, ...args),
  };
  beforeAll(async () => {
    options.configure?.(fake);
    await fake.start();
    if (options.app?.service) {
      const service = await test.startService("all", { env: options.app.env });
      app = {
        ...service,
        kill: (signal) => void service.child.kill(signal),
        stop: async () => void (await service.stop()),
      };
    } else if (options.app) app = await startAnother(options.app.env);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await fake.stop();
  });
  beforeEach(() => {
    if (options.seed === false) empty();
    else test.seed();
  });
  afterEach(() => expect(fake.problems, "the fake GitHub API itself went wrong").toEqual([]));
  return test;
}

export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly workspace: string;
}

/** The bundle by default; REACHDIFF_ACTION_ENTRY=build/src/action.js runs the compiled sources (before a rebuild of dist/). */
const ACTION_ENTRY = process.env.REACHDIFF_ACTION_ENTRY ?? "dist/index.js";

/**
 * Runs the Action as a process with a runner's environment (GITHUB_EVENT_PATH, GITHUB_API_URL,
 * INPUT_* with action.yml's defaults, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) on the test's repository,
 * and reads back its exit code, output, step outputs and job summary.
 */
async function runAction(
  gh: GitHubTest,
  event: string,
  payload: Record<string, unknown>,
  inputs: Record<string, string> = {},
  workspace = mkdtempSync(join(tmpdir(), "reachdiff-ws-")),
  onSpawn?: (child: ChildProcess) => void,
): Promise<ActionRun> {
  const { fake } = gh;
  validateWebhook(event, payload);
  const runner = mkdtempSync(join(tmpdir(), "reachdiff-runner-"));
  const files = {
    event: join(runner, "event.json"),
    output: join(runner, "output"),
    summary: join(runner, "summary.md"),
  };
  writeFileSync(files.event, JSON.stringify(payload));
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const input = (name: string, value: string) => [`INPUT_${name.replace(/ /g, "_").toUpperCase()}`, value];
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_API_URL: fake.url,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: fake.fullName,
    GITHUB_SHA: gh.repo.main,
    GITHUB_RUN_ID: "987654",
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: runner,
    REACHDIFF_WRITES_PER_MINUTE: "600",
    ...Object.fromEntries([
      // action.yml defaults, as the runner passes them
      input("token", fake.actionToken()),
      input("config", ".github/reachdiff.yml"),
      input("check", "true"),
      input("report-dir", "reachdiff-report"),
      ...Object.entries(inputs).map(([k, v]) => input(k, v)),
    ]),
  };
  const child = spawn(process.execPath, [join(ROOT, ACTION_ENTRY)], {
    cwd: workspace,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  onSpawn?.(child);
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const outputs: Record<string, string> = {};
  const text = readFileSync(files.output, "utf8");
  for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3];
  return { code, stdout, outputs, summary: readFileSync(files.summary, "utf8"), workspace };
}
