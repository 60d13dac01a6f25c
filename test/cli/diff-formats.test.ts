// `reachdiff diff --format markdown|mermaid|sarif|html [--output FILE]` on the demo, through the built CLI.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMarker } from "../../src/report/markdown.js";
import { parseMermaid, ROOT } from "../helpers/report.js";

const diff = (format: string) =>
  execFileSync(
    process.execPath,
    [
      "build/src/cli/main.js",
      "diff",
      "--base",
      "fixtures/demo/base",
      "--head",
      "fixtures/demo/head",
      "--fail-on",
      "none",
      "--format",
      format,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );

describe("reachdiff diff --format", () => {
  it("markdown prints the pull-request comment", async () => {
    const out = diff("markdown");
    expect(parseMarker(out)).toEqual({ version: 1 });
    expect(out).toContain("| Severity | What changed | Where |");
    // The verdict line the App and the Action put first, in the same words.
    expect(out.split("\n")[2]).toBe("**✅ Does not block merging** (`fail-on: none`)");
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(out)![1];
    await parseMermaid(diagram);
  });

  it("markdown says first that the comment blocks merging when the risk reaches fail-on, as the App does", () => {
    const r = spawnSync(
      process.execPath,
      [
        "build/src/cli/main.js",
        "diff",
        "--base",
        "fixtures/demo/base",
        "--head",
        "fixtures/demo/head",
        "-f",
        "markdown",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stdout.split("\n")[2]).toBe("**⛔ Blocks merging:** the risk (critical) reaches `fail-on: high`");
  });

  it("mermaid prints just the diagram", async () => {
    const out = diff("mermaid");
    expect(out.startsWith("flowchart TB\n")).toBe(true);
    await parseMermaid(out);
  });

  it("sarif prints a SARIF 2.1.0 log", () => {
    const log = JSON.parse(diff("sarif")) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results.map((r) => r.ruleId)).toContain("ingress-from-internet");
  });

  it("lists the formats in --help and refuses unknown ones", () => {
    expect(
      execFileSync(process.execPath, ["build/src/cli/main.js", "diff", "--help"], { cwd: ROOT, encoding: "utf8" }),
    ).toMatch(/markdown .*mermaid .*sarif.*html.*--output FILE/s);
    expect(() => diff("pdf")).toThrow(/unknown format "pdf" \(text, json, markdown, mermaid, sarif, html\)/);
  });
});

describe("reachdiff diff --output", () => {
  const CLI = join(ROOT, "build/src/cli/main.js");
  const run = (cwd: string, ...args: string[]) =>
    spawnSync(
      process.execPath,
      [
        CLI,
        "diff",
        "--base",
        join(ROOT, "fixtures/demo/base"),
        "--head",
        join(ROOT, "fixtures/demo/head"),
        "--fail-on",
        "none",
        ...args,
      ],
      { cwd, encoding: "utf8" },
    );
  const inTemp = (test: (dir: string) => void) => () => {
    const dir = mkdtempSync(join(tmpdir(), "reachdiff-output-"));
    try {
      test(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it(
    "html goes to reachdiff-report.html unless told otherwise, and says where",
    inTemp((dir) => {
      const out = run(dir, "--format", "html");
      expect(out.status).toBe(0);
      expect(out.stdout).toBe("");
      expect(out.stderr).toBe("reachdiff: wrote reachdiff-report.html\n");
      const page = readFileSync(join(dir, "reachdiff-report.html"), "utf8");
      expect(page.startsWith("<!doctype html>")).toBe(true);
      expect(page).toContain('<p class="sides">base <code>');
      expect(page).toContain('<pre id="diagram-source">flowchart TB');
    }),
  );

  it(
    "writes any format to the file named, creating its folder; - is stdout",
    inTemp((dir) => {
      const stdout = run(dir, "--format", "markdown").stdout;
      const out = run(dir, "--format", "markdown", "--output", "reports/comment.md");
      expect(out.status).toBe(0);
      expect(out.stdout).toBe("");
      expect(readFileSync(join(dir, "reports/comment.md"), "utf8")).toBe(stdout);
      const page = run(dir, "-f", "html", "-o", "-");
      expect(page.stdout.startsWith("<!doctype html>")).toBe(true);
      expect(existsSync(join(dir, "reachdiff-report.html"))).toBe(false);
    }),
  );

  it(
    "says so when the file cannot be written, and keeps the exit status of --fail-on otherwise",
    inTemp((dir) => {
      const bad = run(dir, "--format", "html", "--output", join(ROOT, "package.json", "report.html"));
      expect(bad.status).toBe(64);
      expect(bad.stderr).toMatch(/^reachdiff diff: cannot write .*report\.html: /);
      const risky = spawnSync(
        process.execPath,
        [
          CLI,
          "diff",
          "--base",
          join(ROOT, "fixtures/demo/base"),
          "--head",
          join(ROOT, "fixtures/demo/head"),
          "--fail-on",
          "high",
          "-f",
          "html",
          "-o",
          "r.html",
        ],
        { cwd: dir, encoding: "utf8" },
      );
      expect(risky.status).toBe(1);
      expect(existsSync(join(dir, "r.html"))).toBe(true);
    }),
  );
});
