// `reachdiff diff` as a user runs it: folders, git refs, --fail-on, --format json, configuration errors.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const CLI = resolve("build/src/cli/main.js");
const run = (args: string[], cwd = process.cwd()) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
const DEMO = resolve("fixtures/demo");

describe("reachdiff diff", () => {
  const repo = mkdtempSync(join(tmpdir(), "reachdiff-git-"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("reads both sides from git refs of the repository it runs in", () => {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "test");
    cpSync(join(DEMO, "base"), join(repo, "k8s"), { recursive: true });
    writeFileSync(join(repo, "notes.yaml"), "not: a manifest\n");
    mkdirSync(join(repo, ".github"));
    writeFileSync(join(repo, ".github/reachdiff.yml"), "severity-overrides: {new-nodeport: critical}\n");
    git("add", ".");
    git("commit", "-qm", "base");
    // The pull request tries to silence its own review: the base's settings must win.
    writeFileSync(
      join(repo, ".github/reachdiff.yml"),
      "ignore-rules: [internet-exposure-sensitive-port, new-nodeport]\nfail-on: none\n",
    );
    rmSync(join(repo, "k8s"), { recursive: true });
    cpSync(join(DEMO, "head"), join(repo, "k8s"), { recursive: true });
    git("add", ".");
    git("commit", "-qm", "head");
    const out = run(
      [
        "diff",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--paths",
        "k8s/**/*.yaml",
        "--format",
        "json",
        "--fail-on",
        "none",
      ],
      repo,
    );
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.risk).toBe("critical");
    const sensitive = json.findings.find((f: { rule: string }) => f.rule === "internet-exposure-sensitive-port");
    expect(sensitive).toMatchObject({
      severity: "critical",
      file: "k8s/services.yaml",
      objects: ["shop/StatefulSet/db", "shop/Service/db-external"],
    });
    expect(json.findings.find((f: { rule: string }) => f.rule === "new-nodeport").severity).toBe("critical");
    // notes.yaml is outside --paths: not read, so no diagnostic about it.
    expect(JSON.stringify(json.diagnostics)).not.toContain("notes.yaml");
  });

  it("gives the documented JSON shape, with the objects that caused each change", () => {
    const out = run([
      "diff",
      "--base",
      join(DEMO, "base"),
      "--head",
      join(DEMO, "head"),
      "--format",
      "json",
      "--fail-on",
      "none",
    ]);
    const json = JSON.parse(out.stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["risk", "findings", "exposure", "reachability"]));
    for (const f of json.findings)
      expect(Object.keys(f)).toEqual(expect.arrayContaining(["rule", "severity", "title", "file", "line", "objects"]));
    // One shape per field: from and to are strings, an outside peer one entry per CIDR.
    for (const c of json.reachability.changes) expect([typeof c.from, typeof c.to]).toEqual(["string", "string"]);
    const open = json.reachability.changes.find((c: { from: string }) => c.from.startsWith("ip:"));
    expect(open).toMatchObject({
      change: "added",
      from: "ip:0.0.0.0/0",
      to: "shop/StatefulSet/db",
      head: { TCP: [[5432, 5432]], UDP: [], SCTP: [] },
    });
    expect(open.causes).toEqual([
      { id: "shop/NetworkPolicy/db", change: "changed", file: "network-policies.yaml", line: 72 },
    ]);
  });

  it("exits 1 when the risk reaches --fail-on, 0 below it", () => {
    const args = ["diff", "--base", join(DEMO, "base"), "--head", join(DEMO, "head")];
    expect(run([...args, "--fail-on", "critical"]).status).toBe(1);
    expect(run([...args, "--fail-on", "none"]).status).toBe(0);
    expect(run(["diff", "--base", join(DEMO, "base"), "--head", join(DEMO, "base"), "--fail-on", "info"]).status).toBe(
      0,
    );
  });

  it("says no change when there is none", () => {
    const out = run(["diff", "--base", join(DEMO, "base"), "--head", join(DEMO, "base")]);
    expect(out.stdout.trim()).toBe("No change in exposure or reachability.");
  });

  it("rejects a bad configuration, naming the key", () => {
    const dir = mkdtempSync(join(tmpdir(), "reachdiff-config-"));
    try {
      writeFileSync(join(dir, "bad.yml"), "fail-on: sometimes\nsensitive-ports: [22, 70000]\nunknown-key: 1\n");
      const out = run([
        "diff",
        "--base",
        join(DEMO, "base"),
        "--head",
        join(DEMO, "head"),
        "--config",
        join(dir, "bad.yml"),
      ]);
      expect(out.status).toBe(64);
      expect(out.stderr).toContain('"fail-on" must be one of');
      expect(out.stderr).toContain('"sensitive-ports.1"');
      expect(out.stderr).toContain('unknown key "unknown-key"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies the configuration: ignored rules, severity overrides, no NetworkPolicy enforcement", () => {
    const dir = mkdtempSync(join(tmpdir(), "reachdiff-config-"));
    try {
      writeFileSync(
        join(dir, "c.yml"),
        "ignore-rules: [internet-exposure-sensitive-port]\nseverity-overrides: {new-nodeport: critical}\nenforces-network-policy: false\n",
      );
      const out = run([
        "diff",
        "--base",
        join(DEMO, "base"),
        "--head",
        join(DEMO, "head"),
        "--config",
        join(dir, "c.yml"),
        "--format",
        "json",
        "--fail-on",
        "none",
      ]);
      const json = JSON.parse(out.stdout);
      const rules = json.findings.map((f: { rule: string }) => f.rule);
      expect(rules).not.toContain("internet-exposure-sensitive-port");
      expect(json.findings.find((f: { rule: string }) => f.rule === "new-nodeport").severity).toBe("critical");
      // Without enforcement the policy changes change nothing.
      expect(json.reachability.changes).toEqual([]);
      expect(json.notes[0]).toContain("does not enforce NetworkPolicy");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("explains what it cannot read as a side", () => {
    const out = run(["diff", "--base", "no-such-ref-or-folder", "--head", join(DEMO, "head")]);
    expect(out.status).toBe(64);
    expect(out.stderr).toContain("neither a file or folder nor a git ref");
  });
});
