// The plain-text diff (diff --format text): a renamed workload is one line under "Renamed", its connections
// that are the same under the new name are not listed, and each listed change says which objects caused it.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { diffText } from "../../src/report/diff-text.js";
import { diffEnvironments } from "../../src/review/environments.js";
import { diffClusters } from "../../src/review/review.js";
import { loadSide } from "../../src/snapshot.js";
import { cluster, renamedBehindLoadBalancer } from "../helpers/report.js";
import { deployment, docs, namespace } from "../rules/harness.js";

const SCENARIO = "fixtures/scenarios/renamed-workloads";
const section = (text: string, title: string) => {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith(title));
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && l === "");
  return lines.slice(at + 1, end < 0 ? undefined : end);
};

describe("diff --format text", () => {
  const r = diffClusters(
    loadSide(join(SCENARIO, "base")),
    loadSide(join(SCENARIO, "head")),
    defaultConfig(),
    exposureOf,
  );
  const text = diffText(r);

  it("says each rename once, with its same and changed connections and where the new name is", () => {
    expect(text).toContain("Renamed (11):\n");
    const renamed = section(text, "Renamed (");
    expect(renamed).toHaveLength(11);
    expect(renamed).toContain(
      "  shop/Deployment/cart -> shop/Deployment/shop-cart  25 connections the same  (workloads.yaml:1)",
    );
    expect(renamed).toContain(
      "  pay/Deployment/ledger -> pay/Deployment/ledger-v2  12 connections the same, 1 changed  (workloads.yaml:217)",
    );
  });

  it("lists the renames by namespace and old name, as the findings do (not in file order)", () => {
    const from = section(text, "Renamed (").map((l) => l.trim().split(" ")[0]);
    expect(from).toEqual([...from].sort((a, b) => a.localeCompare(b)));
    expect(from.slice(0, 2)).toEqual(["pay/Deployment/ledger", "shop/Deployment/ad"]);
  });

  it("says the renames of one namespace as one finding, in the comment's words, its fix once; a single rename as it is", () => {
    const findings = section(text, "Findings (");
    expect(text).toContain("Findings (12):\n");
    expect(findings).toEqual([
      "  [LOW] new-connection: pay/Deployment/api can now reach pay/Deployment/ledger-v2 on TCP 9090  (policies.yaml:10)",
      `      fix: ${r.findings[0].fix}`,
      "  [INFO] workload-renamed: pay/Deployment/ledger was renamed pay/Deployment/ledger-v2: the same 12 connections under the new name, 1 changed  (workloads.yaml:217)",
      `      fix: ${r.findings[1].fix}`,
      "  [INFO] workload-renamed: 10 Deployments renamed in namespace shop: ad → shop-ad, cart → shop-cart, catalog → shop-catalog and 7 more; the same 25 connections each under the new name  (workloads.yaml:163)",
      `      fix: ${r.findings[1].fix}`,
    ]);
    // The facts keep one finding per rename (JSON, SARIF and the check run list each).
    expect(r.findings.filter((f) => f.rule === "workload-renamed")).toHaveLength(11);
  });

  it("groups renames per environment", () => {
    const side = (names: string[]) => cluster(docs(namespace("shop"), ...names.map((n) => deployment("shop", n))));
    const base = side(["web", "api"]);
    const head = side(["shop-web", "shop-api"]);
    const both = diffEnvironments(
      [
        { name: "dev", base, head },
        { name: "prod", base, head },
      ],
      defaultConfig(),
      exposureOf,
    );
    const renamed = section(diffText(both), "Findings (").filter((l) => l.includes("workload-renamed"));
    expect(renamed).toHaveLength(2);
    expect(renamed[0]).toMatch(/: 2 Deployments renamed in namespace shop: api → shop-api, web → shop-web; .* \[dev\]/);
    expect(renamed[1]).toMatch(/\[prod\]/);
  });

  it("lists only the connection the rename changed, as a change, with the objects that caused it", () => {
    expect(section(text, "Reachability:")).toEqual([
      "  ~ pay/Deployment/api -> pay/Deployment/ledger-v2  TCP 8080 -> TCP 8080,9090  (because pay/Deployment/ledger-v2 added, pay/NetworkPolicy/ledger changed, pay/Deployment/ledger removed)",
    ]);
    // The facts keep every change; the text does not repeat the renamed workloads as added and removed.
    expect(r.connections.length).toBeGreaterThan(300);
    expect(text).not.toContain("Workloads:");
    expect(text).not.toContain("because of");
    expect(text.split("\n").length).toBeLessThan(60);
  });

  it("names the cause of a change that is no rename as 'because <object> <change>'", () => {
    const base = cluster(docs(namespace("shop"), deployment("shop", "web")));
    const head = cluster(docs(namespace("shop"), deployment("shop", "web"), deployment("shop", "api", { port: 9000 })));
    const out = diffText(diffClusters(base, head, defaultConfig(), exposureOf));
    expect(out).toContain(
      "  + shop/Deployment/web -> shop/Deployment/api  all ports  (because shop/Deployment/api added)",
    );
    expect(section(out, "Workloads:")).toEqual(["  + shop/Deployment/api"]);
    expect(out).not.toContain("Renamed");
  });

  it("over several environments, counts an environment's reachability changes without a rename's same connections", () => {
    const side = (name: string) => cluster(docs(namespace("shop"), deployment("shop", name, { app: "web" })));
    const both = diffEnvironments(
      [
        { name: "dev", base: side("web"), head: side("web-v2") },
        { name: "prod", base: side("web"), head: side("web") },
      ],
      defaultConfig(),
      exposureOf,
    );
    const out = diffText(both);
    expect(out).toMatch(/^ {2}dev: risk info; 1 finding, 2 object changes \(/m);
    expect(out).not.toMatch(/dev: .*reachability change/);
    expect(section(out, "Renamed (")).toEqual([
      "  shop/Deployment/web -> shop/Deployment/web-v2  3 connections the same [dev]  (manifests.yaml:5)",
    ]);
    expect(out).not.toContain("Reachability:");
  });

  it("says no exposure change for a renamed workload behind the same load balancer", () => {
    const out = diffText(
      diffClusters(renamedBehindLoadBalancer("web"), renamedBehindLoadBalancer("web-v2"), defaultConfig(), exposureOf),
    );
    expect(out).toMatch(/^Info risk: /);
    expect(out).not.toContain("External exposure:");
    expect(section(out, "Renamed (")).toHaveLength(1);
  });
});
