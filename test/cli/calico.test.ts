// Calico pull requests through the CLI (the built build/src/cli/main.js): a GlobalNetworkPolicy default deny
// added in a security tier with a Pass to the Kubernetes NetworkPolicies, and a Calico Deny removed; `diff`,
// `reach` and `explain` on each, and network.cni deciding whether Calico's policies count.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/engine.js";

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["build/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8" });
const DIR = "fixtures/engine/calico";
const CALICO = ["--config", `${DIR}/cni-calico.yml`];
const OTHER = ["--config", `${DIR}/cni-other.yml`];

interface Change {
  readonly change: string;
  readonly from: string;
  readonly to: string;
  readonly causes: { id: string; change: string }[];
}

function diff(pr: string, ...extra: string[]) {
  const out = cli(
    "diff",
    "--base",
    `${DIR}/${pr}/base`,
    "--head",
    `${DIR}/${pr}/head`,
    "--format",
    "json",
    "--fail-on",
    "none",
    ...extra,
  );
  expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as {
    findings: { rule: string; message: string }[];
    reachability: { changes: Change[] };
  };
}

describe("a PR adding a Calico default deny (a security tier that passes the demo's namespaces to their NetworkPolicies)", () => {
  const PR = "pr-default-deny";

  it("diff: what the NetworkPolicies decided stays; the rest is cut, DNS first, each change caused by the new policy and tier", () => {
    const json = diff(PR, ...CALICO);
    const pairs = json.reachability.changes.map((c) => `${c.change} ${c.from} -> ${c.to}`).sort();
    expect(pairs).toEqual(
      [
        "client/Pod/client -> ip:0.0.0.0/0",
        "client/Pod/client -> legacy/Pod/old",
        "ip:0.0.0.0/0 -> legacy/Pod/old",
        "ip:0.0.0.0/0 -> management-ui/Pod/management-ui",
        "legacy/Pod/old -> ip:0.0.0.0/0",
        "legacy/Pod/old -> legacy/Pod/old",
        "legacy/Pod/old -> management-ui/Pod/management-ui",
        "management-ui/Pod/management-ui -> ip:0.0.0.0/0",
        "management-ui/Pod/management-ui -> legacy/Pod/old",
        "stars/Pod/backend -> ip:0.0.0.0/0",
        "stars/Pod/backend -> legacy/Pod/old",
        "stars/Pod/canary -> ip:0.0.0.0/0",
        "stars/Pod/canary -> legacy/Pod/old",
        "stars/Pod/frontend -> ip:0.0.0.0/0",
        "stars/Pod/frontend -> legacy/Pod/old",
      ].map((p) => `removed ${p}`),
    );
    for (const c of json.reachability.changes)
      expect(c.causes.map((x) => `${x.id} ${x.change}`)).toEqual([
        "GlobalNetworkPolicy/security.default-deny added",
        "Tier/security added",
      ]);
    const rules = json.findings.map((f) => f.rule);
    expect(rules.filter((r) => r === "dns-egress-lost")).toHaveLength(6);
    expect(json.findings[0].message).toMatch(/can no longer reach cluster DNS \(UDP 53\)/);
    expect(new Set(rules)).toEqual(new Set(["dns-egress-lost", "connections-removed"]));
  });

  it("reach on head keeps the demo's flows and has none into the legacy namespace", () => {
    const out = cli("reach", `${DIR}/${PR}/head`, "--format", "json");
    const edges = (JSON.parse(out.stdout).edges as { from: string; to: string }[]).map((e) => `${e.from} -> ${e.to}`);
    expect(edges).toContain("client/Pod/client -> stars/Pod/frontend");
    expect(edges).toContain("management-ui/Pod/management-ui -> stars/Pod/backend");
    expect(edges).toContain("stars/Pod/frontend -> stars/Pod/backend");
    expect(edges.filter((e) => e.includes("legacy/"))).toEqual([]);
  });

  it("explain names the end of the security tier and the policy that selected the pod", () => {
    const out = cli(
      "explain",
      `${DIR}/${PR}/head`,
      "--from",
      "legacy/Pod/old",
      "--to",
      "management-ui/Pod/management-ui",
      "--port",
      "9001",
    );
    expect(out.stdout).toContain("legacy/Pod/old -> management-ui/Pod/management-ui: DENIED");
    expect(out.stdout).toContain(
      `Calico tier security: no rule decides TCP 9001; end of tier security (selected by GlobalNetworkPolicy/security.default-deny): denied (the tier's default deny) (${DIR}/${PR}/head/security.yaml:5)`,
    );
    const passed = cli(
      "explain",
      `${DIR}/${PR}/head`,
      "--from",
      "stars/Pod/frontend",
      "--to",
      "stars/Pod/backend",
      "--port",
      "6379",
    );
    expect(passed.stdout).toContain("stars/Pod/frontend -> stars/Pod/backend: ALLOWED");
    expect(passed.stdout).toContain(
      "GlobalNetworkPolicy/security.default-deny ingress[0] (Pass) (Calico tier security) passes TCP 6379 to the next tier",
    );
    expect(passed.stdout).toContain("stars/NetworkPolicy/backend-policy ingress rule #1 allows TCP 6379");
  });

  it("with network.cni: other the Calico policy and tier are ignored, each with a note, and nothing changes", () => {
    const json = diff(PR, ...OTHER);
    expect(json.reachability.changes).toEqual([]);
    const reach = cli("reach", `${DIR}/${PR}/head`, "--format", "json", ...OTHER);
    const notes = JSON.stringify(JSON.parse(reach.stdout).diagnostics);
    expect(notes).toContain("GlobalNetworkPolicy/security.default-deny is ignored: network.cni is other");
    expect(notes).toContain("Tier/security is ignored: network.cni is other, which does not enforce Tiers");
  });
});

describe("a PR removing a Calico Deny that decided before the Kubernetes NetworkPolicies", () => {
  const PR = "pr-deny-removed";

  it("diff: the canary newly reaches the backend on 6379; deny-policy-removed names the rule", () => {
    const json = diff(PR);
    expect(json.reachability.changes).toEqual([
      expect.objectContaining({
        change: "added",
        from: "stars/Pod/canary",
        to: "stars/Pod/backend",
        causes: [
          expect.objectContaining({ id: "stars/NetworkPolicy.projectcalico.org/deny-canary", change: "removed" }),
        ],
      }),
    ]);
    expect(json.findings.map((f) => [f.rule, f.message])).toEqual([
      [
        "deny-policy-removed",
        "stars/NetworkPolicy.projectcalico.org/deny-canary is removed: its Calico deny rules ingress[0] (Deny) no longer apply",
      ],
      ["new-connection", "stars/Pod/canary can now reach stars/Pod/backend on TCP 6379"],
    ]);
  });

  it("explain on base names the Deny rule and its line; on head the NetworkPolicy that allows", () => {
    const args = ["--from", "stars/Pod/canary", "--to", "stars/Pod/backend", "--port", "6379"];
    const base = cli("explain", `${DIR}/${PR}/base`, ...args);
    expect(base.stdout).toContain("stars/Pod/canary -> stars/Pod/backend: DENIED");
    expect(base.stdout).toContain(
      `stars/NetworkPolicy.projectcalico.org/deny-canary ingress[0] (Deny) (Calico tier default) denies TCP 6379 (${DIR}/${PR}/base/stars.yaml:121)`,
    );
    const head = cli("explain", `${DIR}/${PR}/head`, ...args);
    expect(head.stdout).toContain("stars/Pod/canary -> stars/Pod/backend: ALLOWED");
    expect(head.stdout).toContain("stars/NetworkPolicy/backend-policy ingress rule #1 allows TCP 6379");
  });
});
