// The package as a user installs it outside this checkout: a real `npm pack` of the built tree, that
// tarball installed by npm into an empty project in a temporary folder (dependencies from npm's cache
// first, the registry otherwise), and the installed `reachdiff` run on a copy of the demo there.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/report.js";

const NPM = "npm";
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };

describe("npm pack, npm install of the tarball, and the installed reachdiff", () => {
  let dir: string;
  let bin: string;
  let files: string[];
  const reachdiff = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "reachdiff-pack-"));
    // The build is npm test's first step; pack it as it stands (prepare would build it again).
    const packed = JSON.parse(
      execFileSync(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ) as { filename: string; files: { path: string }[] }[];
    files = packed[0].files.map((f) => f.path);
    const project = join(dir, "project");
    cpSync(join(ROOT, "fixtures/demo"), join(project, "demo"), { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-reachdiff", private: true }));
    execFileSync(
      NPM,
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, packed[0].filename)],
      { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    dir = project;
    bin = join(project, "node_modules/.bin/reachdiff");
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(join(dir, ".."), { recursive: true, force: true });
  });

  it("packs the built CLI, the README and package.json, and nothing of the tests or fixtures", () => {
    expect(files).toContain("build/src/cli/main.js");
    expect(files).toContain("package.json");
    expect(files).toContain("README.md");
    expect(files.filter((f) => /^(test|fixtures|src)\//.test(f))).toEqual([]);
  });

  it("installs a reachdiff command that knows its version", () => {
    expect(existsSync(bin)).toBe(true);
    const r = reachdiff("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("reviews the demo: the verdict comment, exit 1 on the default fail-on, exit 0 under --fail-on none", () => {
    const md = reachdiff("diff", "--base", "demo/base", "--head", "demo/head", "--format", "markdown");
    expect(md.status).toBe(1);
    expect(md.stdout).toContain("**⛔ Blocks merging:** the risk (critical) reaches `fail-on: high`");
    expect(md.stdout).toContain("| Severity | What changed | Where |");
    expect(md.stderr).toContain("the risk (critical) reaches fail-on high");
    const json = reachdiff(
      "diff",
      "--base",
      "demo/base",
      "--head",
      "demo/head",
      "--format",
      "json",
      "--fail-on",
      "none",
    );
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).risk).toBe("critical");
    const reach = reachdiff("reach", "demo/head");
    expect(reach.status).toBe(0);
    expect(reach.stdout).toContain("shop/StatefulSet/db");
  });

  it("says plainly that the html format needs mermaid, a development dependency (exit 64)", () => {
    const r = reachdiff("diff", "--base", "demo/base", "--head", "demo/head", "--format", "html", "-o", "r.html");
    expect(r.status).toBe(64);
    expect(r.stderr).toContain("the html format needs the mermaid package");
  });
});
