// The whole corpus of broken and hostile manifests (test/helpers/bad-corpus.ts) through the built CLI:
// each run ends within a bound and in bounded memory, every bad file is in the diagnostics with its
// file and line, and every good workload is still analysed.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { md } from "../../src/report/escape.js";
import {
  BAD,
  CASES,
  type Problem,
  pod,
  removeTempDirs,
  survivorsOf,
  tempDir,
  writeGenerated,
} from "../helpers/bad-corpus.js";

const CLI = join(resolve(import.meta.dirname, "../.."), "build/src/cli/main.js");

afterAll(removeTempDirs);

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The built CLI as a process: at most 60 s and 512 MB of heap (or `heapMb`). */
function cli(args: readonly string[], cwd: string, heapMb = 512): CliRun {
  const start = performance.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, CLI, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - start };
}

describe("the whole corpus through the CLI, in bounded time and memory", () => {
  let head: string;
  let empty: string;
  let generated: ReturnType<typeof writeGenerated>;
  /** Every expected problem, by file. */
  const problems = new Map<string, Problem>();
  const survivors: string[] = [];

  beforeAll(() => {
    const top = tempDir("reachdiff-bad-cli-");
    head = join(top, "head");
    empty = join(top, "empty");
    mkdirSync(empty);
    cpSync(BAD, head, { recursive: true });
    generated = writeGenerated(head, tempDir("reachdiff-bad-outside-"));
    for (const [file, c] of Object.entries(CASES)) {
      if ("problem" in c) problems.set(file, c.problem);
      survivors.push(...survivorsOf(file));
    }
    for (const [file, g] of Object.entries(generated)) {
      problems.set(file, g);
      survivors.push(...g.survivors);
    }
  });

  function checkDiagnostics(diagnostics: readonly { severity: string; file: string; line: number; message: string }[]) {
    for (const [file, p] of problems)
      expect(diagnostics, file).toContainEqual(
        expect.objectContaining({
          severity: p.severity,
          file,
          line: p.line,
          message: expect.stringContaining(p.message),
        }),
      );
    // Nothing else is reported, and nothing about the files that are only unusual.
    expect(
      diagnostics
        .filter((d) => d.severity !== "info")
        .map((d) => d.file)
        .sort(),
    ).toEqual([...problems.keys()].sort());
  }

  it("diff --format json: every bad file is in the diagnostics, every good workload in the result", () => {
    const r = cli(["diff", "--base", empty, "--head", head, "--format", "json", "--fail-on", "none"], empty);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+|heap out of memory|Error:/);
    // The base read nothing: the change cannot be analysed (exit 3), and the report is still written.
    expect(r.status).toBe(3);
    expect(r.ms).toBeLessThan(60_000);
    const json = JSON.parse(r.stdout);
    checkDiagnostics(json.diagnostics.head);
    expect(json.diagnostics.base).toEqual([]);
    expect(json.reachability.workloads.added).toEqual(expect.arrayContaining(survivors));
    expect(json.reachability.workloads.added).not.toContain("outside/Pod/secret");
  });

  it("reach --format json: the same diagnostics, and every good workload", () => {
    const r = cli(["reach", head, "--format", "json"], empty);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    // reach names files relative to the current directory, or in full when they are outside it.
    const relative = json.diagnostics.map((d: { file: string; message: string }) => ({
      ...d,
      file: d.file.replace(`${head}/`, ""),
      message: d.message.replaceAll(`${head}/`, ""),
    }));
    checkDiagnostics(relative);
    expect(json.workloads).toEqual(expect.arrayContaining(survivors));
    // The policy of the CRLF file is read: web reaches db on 5432, and nothing else does.
    expect(
      json.edges
        .filter((e: { to: string }) => e.to === "crlf/Pod/db")
        .map((e: { from: string; ports: unknown }) => [e.from, e.ports]),
    ).toEqual([["crlf/Pod/web", { TCP: [[5432, 5432]], UDP: [], SCTP: [] }]]);
  });

  it("diff --format markdown: the comment says what could not be read", () => {
    // The corpus against itself: nothing changes, and both sides list their problems (the first 20).
    const r = cli(["diff", "--base", head, "--head", head, "--format", "markdown", "--fail-on", "none"], empty);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^⚠️ Could not read everything: /m);
    expect(r.stdout).toContain("<summary>What could not be read");
    for (const side of ["base", "head"]) expect(r.stdout).toContain(`**${side}** (${problems.size} problems):`);
    expect(r.stdout.split(`- and ${problems.size - 20} more`)).toHaveLength(3);
    // A smaller head: each file is listed with its line and message.
    const few = join(head, "..", "few");
    mkdirSync(few);
    const picked = [
      "invalid-yaml.yaml",
      "alias-bomb.yaml",
      "cidr-prefix-33.yaml",
      "non-utf8.yaml",
      "named-port-missing.yaml",
    ];
    for (const f of picked) cpSync(join(BAD, f), join(few, f));
    const small = cli(["diff", "--base", empty, "--head", few, "--format", "markdown", "--fail-on", "none"], empty);
    expect(small.status).toBe(3);
    expect(small.stdout).toContain(`**head** (${picked.length} problems):`);
    for (const f of picked) {
      const p = problems.get(f)!;
      expect(small.stdout).toContain(`- ${md(`${f}:${p.line}`, 160)}: ${p.severity}: `);
      expect(small.stdout).toContain(md(p.message, 300));
    }
  });

  it("reads a dense 3 MB file in 128 MB of heap: syntax trees are not kept, only the objects", () => {
    // 2,500 documents of 120 keys each. Keeping every document's syntax tree (about 50 times its
    // text) ran out of this heap; the trees are rebuilt for the few lines that are asked for.
    const dir = join(head, "..", "dense");
    mkdirSync(dir);
    const docs: string[] = [];
    for (let i = 0; i < 2500; i++)
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: dense}\ndata:\n${Array.from({ length: 120 }, (_, j) => ` k${j}: "${j}"\n`).join("")}`,
      );
    docs.push(pod("dense"));
    writeFileSync(join(dir, "dense.yaml"), docs.join("---\n"));
    const r = cli(["reach", dir, "--format", "json"], empty, 128);
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.diagnostics).toEqual([]);
    expect(json.workloads).toEqual(["dense/Pod/ok"]);
  });
});
