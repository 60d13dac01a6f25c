// Runs render commands concurrently, each with a time limit and an output limit, in a worker thread.
// The worker lets the synchronous loaders (the CLI's) wait for several renders at once, and the
// asynchronous ones (the App's) await them without blocking the event loop. Every command is spawned
// from an argv list, never through a shell, in its own process group so that a time-out kills
// whatever it started.
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

export interface Job {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

export interface JobResult {
  /** Exit code; null when the process was killed or did not start. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  /** The first 64 KiB of standard error. */
  readonly stderr: string;
  /** Set when the job was stopped or could not start. */
  readonly reason?: "timeout" | "output-limit" | "spawn-error";
  readonly error?: string;
}

export const ok = (r: JobResult): boolean => r.code === 0 && !r.reason;

// Plain JavaScript run by the worker (eval mode: CommonJS, no file to locate at run time).
const POOL = `
const { workerData } = require("node:worker_threads");
const { spawn } = require("node:child_process");
const { jobs, concurrency, signal, port } = workerData;
const STDERR_LIMIT = 65536;
const results = new Array(jobs.length);
let next = 0, running = 0, finished = 0;
function finishAll() {
  port.postMessage(results);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
function start(i) {
  const job = jobs[i];
  running++;
  const out = [], err = [];
  let outBytes = 0, errBytes = 0, reason, settled = false, timer, child;
  const done = (r) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    results[i] = r;
    running--;
    if (++finished === jobs.length) finishAll(); else pump();
  };
  const kill = (why) => {
    if (reason) return;
    reason = why;
    try { process.kill(-child.pid, "SIGKILL"); } catch { try { child.kill("SIGKILL"); } catch {} }
  };
  try {
    child = spawn(job.file, job.args, { cwd: job.cwd, env: job.env, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32", windowsHide: true, shell: false });
  } catch (e) {
    done({ code: null, signal: null, stdout: "", stderr: "", reason: "spawn-error", error: String(e && e.message) });
    return;
  }
  timer = setTimeout(() => kill("timeout"), job.timeoutMs);
  child.stdout.on("data", (b) => { outBytes += b.length; if (outBytes > job.maxOutputBytes) kill("output-limit"); else if (!reason) out.push(b); });
  child.stderr.on("data", (b) => { if (errBytes < STDERR_LIMIT) { err.push(b); errBytes += b.length; } });
  child.on("error", (e) => done({ code: null, signal: null, stdout: "", stderr: "", reason: "spawn-error", error: String(e && e.message) }));
  child.on("close", (code, sig) => done({
    code: reason ? null : code,
    signal: sig,
    stdout: reason ? "" : Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8").slice(0, STDERR_LIMIT),
    reason,
  }));
}
function pump() { while (running < concurrency && next < jobs.length) start(next++); }
try { if (jobs.length === 0) finishAll(); else pump(); }
catch (e) { results.fill({ code: null, signal: null, stdout: "", stderr: "", reason: "spawn-error", error: String(e && e.message) }); finishAll(); }
`;

function startPool(jobs: readonly Job[], concurrency: number) {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(POOL, {
    eval: true,
    workerData: { jobs, concurrency: Math.max(1, concurrency), signal, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  // The worker enforces each job's limit; this is only a backstop should the worker itself hang.
  const deadline =
    Math.max(...jobs.map((j) => j.timeoutMs), 0) * Math.ceil(jobs.length / Math.max(1, concurrency)) + 30_000;
  return { signal, port1, worker, deadline };
}

const lost = (jobs: readonly Job[], why: string): JobResult[] =>
  jobs.map(() => ({ code: null, signal: null, stdout: "", stderr: "", reason: "timeout", error: why }));

/** Runs the jobs, at most `concurrency` at a time, and waits for all of them. */
export function runJobsSync(jobs: readonly Job[], concurrency: number): JobResult[] {
  if (!jobs.length) return [];
  const { signal, port1, worker, deadline } = startPool(jobs, concurrency);
  try {
    Atomics.wait(signal, 0, 0, deadline);
    const message = receiveMessageOnPort(port1);
    return message ? (message.message as JobResult[]) : lost(jobs, "the render worker did not answer");
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** The same, without blocking the event loop. */
export async function runJobs(jobs: readonly Job[], concurrency: number): Promise<JobResult[]> {
  if (!jobs.length) return [];
  const { port1, worker, deadline } = startPool(jobs, concurrency);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<JobResult[]>((resolve) => {
      port1.once("message", (results: JobResult[]) => resolve(results));
      worker.once("error", (e) => resolve(lost(jobs, `the render worker failed: ${e.message}`)));
      timer = setTimeout(() => resolve(lost(jobs, "the render worker did not answer")), deadline);
    });
  } finally {
    clearTimeout(timer);
    port1.close();
    void worker.terminate();
  }
}
