// The reach and explain commands end to end (the built CLI): output shapes and --strict.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/engine.js";

const F = "fixtures/engine/cli";

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ["build/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ALL = [[1, 65535]];

describe("reachdiff reach --format json", () => {
  it("prints edges with ports per protocol, the workloads, the class count and the diagnostics", () => {
    const r = run("reach", `${F}/clean.yaml`, "--format", "json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["edges", "workloads", "classes", "dependencies", "diagnostics"]);
    expect(out.workloads).toEqual(["cli/Pod/client", "cli/Pod/web"]);
    expect(out.classes).toBe(2);
    expect(out.diagnostics).toEqual([]);
    expect(out.edges).toEqual([
      { from: "cli/Pod/client", to: "cli/Pod/client", ports: { TCP: ALL, UDP: ALL, SCTP: ALL } },
      { from: "cli/Pod/client", to: "cli/Pod/web", ports: { TCP: [[8080, 8080]], UDP: [], SCTP: [] } },
      { from: "cli/Pod/client", to: "ip:0.0.0.0/0", ports: { TCP: ALL, UDP: ALL, SCTP: ALL } },
      { from: "cli/Pod/web", to: "cli/Pod/client", ports: { TCP: ALL, UDP: ALL, SCTP: ALL } },
      { from: "cli/Pod/web", to: "ip:0.0.0.0/0", ports: { TCP: ALL, UDP: ALL, SCTP: ALL } },
      { from: "ip:0.0.0.0/0", to: "cli/Pod/client", ports: { TCP: ALL, UDP: ALL, SCTP: ALL } },
      { from: "ip:192.0.2.0/24", to: "cli/Pod/web", ports: { TCP: [[443, 443]], UDP: [], SCTP: [] } },
    ]);
  });

  it("puts the diagnostics, with file and line, in the JSON and on stderr", () => {
    const r = run("reach", `${F}/with-error.yaml`, "--format", "json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: `${F}/with-error.yaml`,
        line: 10,
        object: "cli/NetworkPolicy/broken",
      }),
    ]);
    expect(r.stderr).toMatch(
      new RegExp(
        `^${F}/with-error.yaml:10: error: NetworkPolicy broken is invalid and skipped: spec\\.podSelector: .*\\n$`,
      ),
    );
  });
});

describe("reachdiff explain", () => {
  it("prints, per direction, the rules that decide, with file:line", () => {
    const r = run("explain", `${F}/clean.yaml`, "--from", "cli/Pod/client", "--to", "cli/Pod/web");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "cli/Pod/client -> cli/Pod/web: PARTLY ALLOWED",
        "  allowed: TCP 8080",
        "  egress of the source: allows all ports",
        "    - no policy decides all ports: allowed by default",
        "  ingress of the destination: allows TCP 8080",
        `    - cli/NetworkPolicy/web ingress rule #1 allows TCP 8080 (${F}/clean.yaml:21)`,
        "",
      ].join("\n"),
    );
  });

  it("answers for an address and a port, and in JSON", () => {
    const r = run(
      "explain",
      `${F}/clean.yaml`,
      "--from",
      "ip:192.0.2.10",
      "--to",
      "cli/Pod/web",
      "--port",
      "443",
      "--format",
      "json",
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["from", "to", "asked", "allowed", "egress", "ingress", "declared"]);
    expect(out.asked).toEqual({ TCP: [[443, 443]], UDP: [], SCTP: [] });
    expect(out.allowed).toEqual({ TCP: [[443, 443]], UDP: [], SCTP: [] });
    expect(out.egress).toBeNull();
    expect(out.ingress.steps).toEqual([
      expect.objectContaining({
        direction: "ingress",
        tier: "networkpolicy",
        verdict: "allow",
        conns: { TCP: [[443, 443]], UDP: [], SCTP: [] },
        policy: "cli/NetworkPolicy/web",
        rule: "ingress rule #2",
        file: `${F}/clean.yaml`,
        line: 23,
      }),
    ]);
    const udp = run(
      "explain",
      `${F}/clean.yaml`,
      "--from",
      "cli/Pod/client",
      "--to",
      "cli/Pod/web",
      "--protocol",
      "udp",
    );
    expect(udp.stdout.split("\n")[0]).toBe("cli/Pod/client -> cli/Pod/web: DENIED (asked: UDP all)");
  });

  it("refuses unknown endpoints and bad flags with exit code 64", () => {
    const r = run("explain", `${F}/clean.yaml`, "--from", "cli/Pod/client", "--to", "cli/Pod/nope");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("no workload cli/Pod/nope");
    expect(run("explain", `${F}/clean.yaml`, "--from", "cli/Pod/client").code).toBe(64);
    expect(
      run("explain", `${F}/clean.yaml`, "--from", "cli/Pod/client", "--to", "cli/Pod/web", "--port", "70000").code,
    ).toBe(64);
    expect(run("reach", `${F}/clean.yaml`, "--format", "xml").code).toBe(64);
  });
});

describe("--namespace", () => {
  it("puts objects that name no namespace in the given one", () => {
    const r = run("reach", "fixtures/engine/workloads/default-namespace.yaml", "-n", "staging", "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).workloads).toEqual(["staging/Deployment/client", "staging/Deployment/web"]);
    const d = run("reach", "fixtures/engine/workloads/default-namespace.yaml", "--format", "json");
    expect(JSON.parse(d.stdout).workloads).toEqual(["default/Deployment/client", "default/Deployment/web"]);
  });
});

describe("--strict", () => {
  it("exits 2 only when there are errors; warnings and info do not count", () => {
    expect(run("reach", `${F}/clean.yaml`, "--strict").code).toBe(0);
    const warnings = run("reach", `${F}/warnings-only.yaml`, "--strict");
    expect(warnings.code).toBe(0);
    expect(warnings.stderr.trim().split("\n")).toEqual([
      `${F}/warnings-only.yaml:7: warning: cli/Pod/twice is defined again (first at ${F}/warnings-only.yaml:2); the later definition is used (cli/Pod/twice)`,
    ]);
    // hostNetwork gives an info diagnostic only: not printed, not an error.
    const info = run("reach", "fixtures/engine/workloads/host-network.yaml", "--strict");
    expect(info.code).toBe(0);
    expect(info.stderr).toBe("");
    expect(run("reach", `${F}/with-error.yaml`, "--strict").code).toBe(2);
    expect(run("reach", `${F}/with-error.yaml`).code).toBe(0);
    expect(
      run("explain", `${F}/with-error.yaml`, "--strict", "--from", "cli/Pod/fine", "--to", "cli/Pod/fine").code,
    ).toBe(2);
    // Nothing read at all: nothing to analyse (3), whether --strict or not.
    expect(run("reach", `${F}/missing-folder`, "--strict").code).toBe(3);
    expect(run("reach", `${F}/missing-folder`).code).toBe(3);
  });

  it("explain on nothing read says why, as reach does, and exits 3 without explaining", () => {
    const r = run("explain", `${F}/missing-folder`, "--from", "cli/Pod/fine", "--to", "cli/Pod/fine");
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      `${F}/missing-folder: error: no such file or folder`,
      `reachdiff: nothing to analyse: no Kubernetes object found in ${F}/missing-folder`,
    ]);
  });
});

describe("reach and explain on a folder that deploys several environments", () => {
  const OVERLAYS = "fixtures/repos/overlays/head";
  const LIST = "overlays/dev, overlays/prod-eu, overlays/staging, tests/with-all-components";

  it("reads the environment --environment names, alone (not the union of the overlays)", () => {
    const prod = run("reach", OVERLAYS, "--environment", "overlays/prod-eu", "--format", "json");
    expect(prod.code).toBe(0);
    const all = run("reach", OVERLAYS, "-e", "tests/with-all-components", "--format", "json");
    expect(all.code).toBe(0);
    // The test variant adds policies that the prod overlay does not have: the two clusters differ.
    expect(JSON.parse(prod.stdout).edges).not.toEqual(JSON.parse(all.stdout).edges);
    const r = run(
      "explain",
      OVERLAYS,
      "-e",
      "overlays/prod-eu",
      "--from",
      "shop/Deployment/web",
      "--to",
      "shop/Deployment/api",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("shop/Deployment/web");
  });

  it("an unknown name, or none, stops with exit 64 listing the environments", () => {
    const unknown = run("reach", OVERLAYS, "--environment", "prod");
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toBe(
      `reachdiff reach: unknown environment "prod"; the environments of ${OVERLAYS} are: ${LIST}\n`,
    );
    const none = run("explain", OVERLAYS, "--from", "shop/Deployment/web", "--to", "shop/Deployment/api");
    expect(none.code).toBe(64);
    expect(none.stderr).toContain(
      `${OVERLAYS} deploys 4 environments, each its own cluster: ${LIST}; choose one with --environment NAME`,
    );
  });

  it("a folder that is one environment refuses --environment; files are read as before", () => {
    const one = run("reach", `${F}`, "--environment", "x");
    expect(one.code).toBe(64);
    expect(one.stderr).toContain('unknown environment "x": fixtures/engine/cli is one environment');
    expect(run("reach", `${F}/clean.yaml`, "-e", "x").stderr).toContain("--environment needs one folder or git ref");
  });
});
