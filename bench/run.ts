// `npm run bench`: generates the synthetic repositories (bench/generate.ts), runs one diff per size
// and pull request, each in its own process (bench/measure.ts), also times the real CLI end to end,
// prints a table and writes bench/results.json. A benchmark, not a test: nothing here fails on a
// slow figure; it fails only when a run crashes or times out.
//
//   npm run bench -- [--sizes S,M,L,XL] [--changes netpol,loadbalancer,relabel-ns] [--seed 1]
//                    [--repeat 1] [--quiet-load N] [--timeout 1800] [--no-cli] [--results bench/results.json]
//
// With --repeat N each diff runs N times and the fastest run counts (total and floor each their
// minimum, peak RSS its maximum): on a shared machine the minimum is the run least disturbed.
// --quiet-load N waits (up to 15 minutes) before each run until the 1-minute load average is below N.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, release, platform } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CHANGES, SIZES, writeRepository, type Change } from "./generate.ts";

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, "..");

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "S,M,L,XL" },
    changes: { type: "string", default: CHANGES.join(",") },
    seed: { type: "string", default: "1" },
    repeat: { type: "string", default: "1" },
    "quiet-load": { type: "string", default: "0" },
    timeout: { type: "string", default: "1800" },
    "no-cli": { type: "boolean", default: false },
    out: { type: "string", default: join(HERE, "out") },
    results: { type: "string", default: join(HERE, "results.json") },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    `${readFileSync(new URL(import.meta.url))
      .toString()
      .split("\n")
      .filter((l) => l.startsWith("//"))
      .map((l) => l.slice(3))
      .join("\n")}\n`,
  );
  process.exit(0);
}

const sizes = values.sizes.split(",").map((s) => s.trim().toUpperCase());
for (const s of sizes) if (!SIZES[s]) throw new Error(`unknown size ${s} (${Object.keys(SIZES).join(", ")})`);
const changes = values.changes.split(",").map((c) => c.trim()) as Change[];
for (const c of changes) if (!CHANGES.includes(c)) throw new Error(`unknown change ${c} (${CHANGES.join(", ")})`);
const seed = Number(values.seed);
const repeat = Math.max(1, Number(values.repeat));
const timeoutMs = Number(values.timeout) * 1000;
const quietLoad = Number(values["quiet-load"]);

/** Waits until the machine is quiet enough (the 1-minute load average under --quiet-load); returns the load then. */
function waitForQuiet(): number {
  const started = Date.now();
  while (quietLoad > 0 && loadavg()[0] >= quietLoad && Date.now() - started < 15 * 60_000)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
  return Math.round(loadavg()[0] * 100) / 100;
}
const CLI = join(ROOT, "build", "src", "cli", "main.js");
if (!existsSync(CLI))
  throw new Error("build/src/cli/main.js is missing: run `npm run build` first (npm run bench does)");
mkdirSync(values.out, { recursive: true });

interface Measured {
  phases: Record<string, number>;
  loadParseMs: number;
  analysisMs: number;
  reportMs: number;
  totalMs: number;
  peakRssMb: number;
  loadAverage?: number;
  floorMs: number;
  ratio: number;
  classes: { base: number; head: number };
  counts: Record<string, number | string>;
  side: { files: number; bytes: number; documents: number };
  shape?: unknown;
}

function measure(base: string, head: string, out: string, shape: boolean): Measured | { error: string } {
  const args = [
    "--expose-gc",
    join(HERE, "measure.ts"),
    "--base",
    base,
    "--head",
    head,
    "--out",
    out,
    ...(shape ? ["--shape"] : []),
  ];
  const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0)
    return {
      error: run.error
        ? String(run.error.message)
        : `exit ${run.status} ${run.signal ?? ""}: ${run.stderr.split("\n").slice(-6).join(" ")}`,
    };
  return JSON.parse(run.stdout.trim().split("\n").pop()!) as Measured;
}

/** The real `reachdiff diff` process, end to end (node start-up included), under /usr/bin/time. */
function cli(base: string, head: string): { wallMs: number; peakRssMb: number; exit: number } | { error: string } {
  const time = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
  const cmd = [process.execPath, CLI, "diff", "--base", base, "--head", head, "--format", "json"];
  const started = performance.now();
  const run = time
    ? spawnSync(time, ["-f", "__TIME__ %M", ...cmd], {
        encoding: "utf8",
        timeout: timeoutMs,
        maxBuffer: 1024 * 1024 * 1024,
      })
    : spawnSync(cmd[0], cmd.slice(1), { encoding: "utf8", timeout: timeoutMs, maxBuffer: 1024 * 1024 * 1024 });
  const wallMs = Math.round(performance.now() - started);
  if (run.error) return { error: String(run.error.message) };
  // diff exits 0, or 1 when the risk reaches fail-on (high by default): both are a completed run.
  if (run.status !== 0 && run.status !== 1)
    return { error: `exit ${run.status}: ${run.stderr.split("\n").slice(-6).join(" ")}` };
  const m = /__TIME__ (\d+)/.exec(run.stderr);
  return { wallMs, peakRssMb: m ? Math.round(Number(m[1]) / 1024) : -1, exit: run.status };
}

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  os: `${platform()} ${release()}`,
  loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
};
process.stdout.write(
  `reachdiff benchmark: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(" ")}\n`,
);

const previous = existsSync(values.results)
  ? (JSON.parse(readFileSync(values.results, "utf8")) as { sizes?: Record<string, unknown> })
  : {};
const results: { machine: typeof machine; date: string; seed: number; sizes: Record<string, unknown> } = {
  machine,
  date: new Date().toISOString(),
  seed,
  sizes: { ...(previous.sizes ?? {}) },
};

const rows: string[][] = [];
const header = [
  "size",
  "change",
  "MB/side",
  "docs",
  "load+parse s",
  "analysis s",
  "report s",
  "total s",
  "floor s",
  "total/floor",
  "peak RSS MB",
  "classes",
  "conn. changes",
  "CLI wall s",
  "CLI RSS MB",
];
let failed = false;

for (const name of sizes) {
  const size = SIZES[name];
  const t0 = performance.now();
  const gen = writeRepository(size, seed, values.out);
  const genMs = Math.round(performance.now() - t0);
  process.stdout.write(
    `\n${name}: ${size.workloads} workloads, ${gen.files} files, ${(gen.bytes / 1e6).toFixed(1)} MB, ${gen.documents} documents per side (generated in ${(genMs / 1000).toFixed(1)} s)\n`,
  );
  const entry: Record<string, unknown> = {
    workloads: size.workloads,
    namespaces: size.namespaces,
    files: gen.files,
    bytes: gen.bytes,
    documents: gen.documents,
    changes: {},
  };
  let shapeDone = false;
  for (const change of changes) {
    const head = gen.heads.find((h) => h.change === change)!;
    const runs: Measured[] = [];
    let error: string | undefined;
    for (let i = 0; i < repeat && !error; i++) {
      const load = waitForQuiet();
      const m = measure(gen.base, head.dir, join(gen.root, `${change}.json`), !shapeDone);
      if ("error" in m) error = m.error;
      else runs.push({ ...m, loadAverage: load });
    }
    // The real CLI as a cross-check, as many times: the fastest wall time, the largest RSS.
    let cliRun: ReturnType<typeof cli> | undefined;
    for (let i = 0; i < repeat && !error && !values["no-cli"]; i++) {
      waitForQuiet();
      const c = cli(gen.base, head.dir);
      if ("error" in c) {
        cliRun = c;
        break;
      }
      cliRun =
        cliRun && !("error" in cliRun)
          ? { ...c, wallMs: Math.min(c.wallMs, cliRun.wallMs), peakRssMb: Math.max(c.peakRssMb, cliRun.peakRssMb) }
          : c;
    }
    if (error || (cliRun && "error" in cliRun)) {
      failed = true;
      const why = error ?? (cliRun as { error: string }).error;
      process.stdout.write(`  ${change}: FAILED ${why}\n`);
      (entry.changes as Record<string, unknown>)[change] = { description: head.description, error: why };
      rows.push([name, change, "-", "-", "-", "-", "-", error ? "failed" : "-", "-", "-", "-", "-", "-", "-", "-"]);
      continue;
    }
    // The fastest run's phases; the floor's own minimum; the largest peak RSS.
    const fastest = runs.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
    const floorMs = Math.min(...runs.map((r) => r.floorMs));
    const best = {
      ...fastest,
      floorMs,
      ratio: Math.round((fastest.totalMs / floorMs) * 100) / 100,
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    };
    if (best.shape) {
      entry.shape = best.shape;
      shapeDone = true;
    }
    const { shape: _shape, ...figures } = best;
    void _shape;
    (entry.changes as Record<string, unknown>)[change] = {
      description: head.description,
      changedFiles: head.changedFiles,
      ...figures,
      runs: runs.map((r) => ({
        totalMs: r.totalMs,
        floorMs: r.floorMs,
        peakRssMb: r.peakRssMb,
        loadAverage: r.loadAverage,
        phases: r.phases,
      })),
      cli: cliRun,
    };
    const s = (x: number) => (x / 1000).toFixed(2);
    rows.push([
      name,
      change,
      (best.side.bytes / 1e6).toFixed(1),
      String(best.side.documents),
      s(best.loadParseMs),
      s(best.analysisMs),
      s(best.reportMs),
      s(best.totalMs),
      s(best.floorMs),
      best.ratio.toFixed(2),
      String(best.peakRssMb),
      `${best.classes.base}/${best.classes.head}`,
      String(best.counts.connections),
      cliRun && !("error" in cliRun) ? s(cliRun.wallMs) : "-",
      cliRun && !("error" in cliRun) ? String(cliRun.peakRssMb) : "-",
    ]);
    process.stdout.write(
      `  ${change}: total ${s(best.totalMs)} s (load+parse ${s(best.loadParseMs)}, analysis ${s(best.analysisMs)}, report ${s(best.reportMs)}), floor ${s(best.floorMs)} s, ratio ${best.ratio}, peak RSS ${best.peakRssMb} MB, ${best.classes.head} classes${cliRun && !("error" in cliRun) ? `; CLI ${s(cliRun.wallMs)} s, ${cliRun.peakRssMb} MB` : ""}\n`,
    );
  }
  results.sizes[name] = entry;
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
process.stdout.write(
  `\n${line(header)}\n|${widths.map((w, i) => (i < 2 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|\n${rows.map(line).join("\n")}\n`,
);
process.stdout.write(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}\n`,
);
(results as { loadAverageAtEnd?: number[] }).loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
writeFileSync(values.results, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`results: ${values.results}\n`);
if (failed) process.exitCode = 1;
