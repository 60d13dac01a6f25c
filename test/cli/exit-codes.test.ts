// The CLI's documented exit codes (src/cli/command.ts EXIT, README, --help), --version, "did you
// mean", examples in every help, config validation of rule ids, and failing closed on empty input.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const DEMO = join(ROOT, "fixtures/demo");

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, "build/src/cli/main.js"), ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const empty = () => mkdtempSync(join(tmpdir(), "reachdiff-empty-"));

describe("exit codes", () => {
  const diff = (...more: string[]) => ["diff", "--base", join(DEMO, "base"), "--head", join(DEMO, "head"), ...more];

  it("0: the risk does not reach --fail-on; 1: it does, saying why on stderr", () => {
    expect(run(diff("--fail-on", "none")).code).toBe(0);
    const risky = run(diff("--fail-on", "critical"));
    expect(risky.code).toBe(1);
    expect(risky.stderr).toMatch(/exit 1: the risk \(critical\) reaches fail-on critical\n/);
  });

  it("1 with the default fail-on says that it is the default", () => {
    const r = run(diff(), empty());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/reaches fail-on high \(the default; set --fail-on or fail-on in the config\)/);
  });

  it("2: --strict and a manifest that cannot be read", () => {
    const head = empty();
    writeFileSync(join(head, "ok.yaml"), readFileSync(join(DEMO, "base/workloads.yaml"), "utf8"));
    writeFileSync(join(head, "broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: [\n");
    const args = ["diff", "--base", join(DEMO, "base"), "--head", head, "--fail-on", "none"];
    // The head broke a manifest: the review fails, as the App's check does.
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /exit 2: the head has \d+ manifest problem\(s\) the base did not have \(the first: broken\.yaml/,
    );
    expect(run(["reach", head, "--strict"]).code).toBe(2);
    expect(run(["reach", head]).code).toBe(0);
  });

  it("3: nothing to analyse, naming the folder or the globs, the report still written", () => {
    const none = empty();
    const r = run(["diff", "--base", none, "--head", join(DEMO, "head"), "--format", "json"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`nothing to analyse: base: no Kubernetes object was read from ${none}`);
    expect(JSON.parse(r.stdout).risk).toBeDefined();
    const text = run(["diff", "--base", none, "--head", none]);
    expect(text.code).toBe(3);
    // The headline says so first; never "No change".
    expect(text.stdout.split("\n")[0]).toMatch(/^Could not analyse this change: base: no Kubernetes object was read/);
    expect(text.stdout).not.toContain("No change");
    const globs = run(["diff", "--base", "HEAD", "--head", "HEAD", "--paths", "no/such/**/*.yaml", "-f", "markdown"]);
    expect(globs.code).toBe(3);
    expect(globs.stderr).toContain("the files matching no/such/**/*.yaml at HEAD");
    expect(globs.stdout).toContain("⚠️ Could not analyse this change");
    expect(globs.stdout).not.toContain("✅");
    for (const command of ["reach", "exposure", "deps"]) {
      const one = run([command, join(none, "missing")]);
      expect(one.code, command).toBe(3);
      expect(one.stderr).toContain(`no Kubernetes object found in ${join(none, "missing")}`);
    }
  });

  it("64: usage, with a suggestion and the usage line; config errors and unknown refs without it", () => {
    const unknown = run(["dif"]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('unknown command "dif" (did you mean diff?)');
    const flag = run(["diff", "--bsae", "a", "--head", "b"]);
    expect(flag.code).toBe(64);
    expect(flag.stderr).toContain("unknown option --bsae (did you mean --base?)");
    expect(flag.stderr).toContain("Usage: reachdiff diff");
    const ref = run(["diff", "--base", "no-such-ref-xyz", "--head", "HEAD"]);
    expect(ref.code).toBe(64);
    expect(ref.stderr).not.toContain("Usage:");
    const dir = empty();
    const config = join(dir, "reachdiff.yml");
    writeFileSync(config, "ignore-rules: [new-nodeport, no-such-rule]\nseverity-overrides: {wildcard-hots: low}\n");
    const bad = run(["diff", "--base", join(DEMO, "base"), "--head", join(DEMO, "head"), "-c", config]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('"ignore-rules.1" names no rule "no-such-rule"');
    expect(bad.stderr).toContain('"severity-overrides.wildcard-hots" names no rule "wildcard-hots"');
    expect(bad.stderr).not.toContain("Usage:");
  });
});

describe("help and version", () => {
  it("--version prints the package's version", () => {
    const r = run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}\n`);
  });

  it("every command's help has examples and the exit codes", () => {
    const main = run(["--help"]);
    expect(main.stdout).toContain("Exit codes:");
    for (const command of ["reach", "deps", "diff", "rules", "explain", "exposure"]) {
      const r = run([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Examples:\\n  reachdiff ${command}\\b`));
      expect(r.stdout).toContain("  64  usage");
    }
  });
});
