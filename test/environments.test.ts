// Environments: a repository's deployed units analysed one cluster each, never unioned. Found from the
// configuration, from Argo CD and Flux, or as each top-level Kustomize root and chart; every change and
// finding says which environment it belongs to.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSideEnvironments, type EnvironmentSnapshot } from "../src/environments.js";
import { needsHelm, needsKustomize } from "./helpers/render-tools.js";

const CLI = join(process.cwd(), "build/src/cli/main.js");
const R = "fixtures/repos";

/** name -> [workloads, Services, policies], and the ids of its workloads. */
function summary(envs: EnvironmentSnapshot[]) {
  return Object.fromEntries(
    envs.map((e) => [
      e.environment?.name ?? "",
      {
        counts: [
          e.cluster.workloads.length,
          e.cluster.services.length,
          e.cluster.networkPolicies.length + e.cluster.adminPolicies.length,
        ],
        workloads: e.cluster.workloads.map((w) => w.id).sort(),
        problems: e.cluster.diagnostics.filter((d) => d.severity !== "info").map((d) => d.message),
      },
    ]),
  );
}

describe(`the top-level Kustomize roots of a repository are environments ${needsKustomize}`, () => {
  it("base + overlays + a test variant with every component: three clusters; an overlay included by another is not alone", () => {
    const envs = loadSideEnvironments(`${R}/overlays/base`, { render: { cache: null } });
    expect(envs.map((e) => [e.environment?.name, e.environment?.origin])).toEqual([
      ["overlays/dev", "roots"],
      ["overlays/prod-eu", "roots"],
      ["tests/with-all-components", "roots"],
    ]);
    const s = summary(envs);
    expect(s["overlays/dev"]).toEqual({
      counts: [2, 2, 0],
      workloads: ["shop-dev/Deployment/api", "shop-dev/Deployment/web"],
      problems: [],
    });
    // prod-eu takes in prod (namespace shop, the policies) and the public component.
    expect(s["overlays/prod-eu"].counts).toEqual([2, 3, 3]);
    expect(s["overlays/prod-eu"].workloads).toEqual(["shop/Deployment/api", "shop/Deployment/web"]);
    expect(s["tests/with-all-components"].counts).toEqual([2, 3, 3]);
    // The float-looking SHA label of the base keeps web in every environment.
    expect(envs[0].cluster.workloads.find((w) => w.name === "web")?.labels.version).toBe("e7973912");
  });

  it("diff: each change once per environment it reaches, an added environment said as such, a shared base summarised", () => {
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        "diff",
        "--base",
        `${R}/overlays/base`,
        "--head",
        `${R}/overlays/head`,
        "--format",
        "json",
        "--fail-on",
        "none",
      ],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.environments.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual([
      ["overlays/dev", "changed"],
      ["overlays/prod-eu", "changed"],
      ["tests/with-all-components", "changed"],
      ["overlays/staging", "added"],
    ]);
    // Every finding and change names its environment; ids stay those of the objects.
    expect(out.findings.every((f: { environment?: string }) => typeof f.environment === "string")).toBe(true);
    const nodePorts = out.findings.filter((f: { rule: string }) => f.rule === "new-nodeport");
    expect(nodePorts.map((f: { environment: string; objects: string[] }) => [f.environment, f.objects[0]])).toEqual([
      ["overlays/dev", "shop-dev/Service/api"],
      ["overlays/prod-eu", "shop/Service/api"],
      ["tests/with-all-components", "shop-test/Service/api"],
      ["overlays/staging", "shop-staging/Service/api"],
    ]);
    expect(out.exposure.changes.every((c: { environment?: string }) => c.environment)).toBe(true);
    expect(out.notes).toContain("Environment overlays/staging is added by this pull request.");
    // No "defined again" across alternatives: they are never unioned.
    expect(JSON.stringify(out.diagnostics)).not.toMatch(/defined again/);

    const md = spawnSync(
      process.execPath,
      [
        CLI,
        "diff",
        "--base",
        `${R}/overlays/base`,
        "--head",
        `${R}/overlays/head`,
        "--format",
        "markdown",
        "--fail-on",
        "none",
      ],
      { encoding: "utf8" },
    ).stdout;
    expect(md).toContain("**Environments** (4, each analysed as its own cluster):");
    expect(md).toMatch(/- overlays\/staging: added by this pull request, risk medium/);
    expect(md).toContain(
      "- shared: base/api.yaml:17 (`new-nodeport`) reaches 4 environments: overlays/dev, overlays/prod-eu, tests/with-all-components, overlays/staging",
    );

    // The same side on both sides: every environment is one line, "no change".
    const same = spawnSync(
      process.execPath,
      [CLI, "diff", "--base", `${R}/overlays/base`, "--head", `${R}/overlays/base`],
      {
        encoding: "utf8",
      },
    ).stdout;
    expect(same).toContain("  overlays/dev: no change (2 workloads, 2 Services, 0 policies)");
    expect(same).toContain("  overlays/prod-eu: no change (2 workloads, 3 Services, 3 policies)");
  });
});

describe(`Argo CD Applications are environments ${needsHelm}`, () => {
  it("an app of apps: each Application with its path or chart, values, destination namespace and cluster", () => {
    const envs = loadSideEnvironments(`${R}/argocd`, { render: { cache: null } });
    expect(envs.map((e) => [e.environment?.name, e.environment?.origin, e.environment?.cluster])).toEqual([
      ["api", "argocd", "prod-eu"],
      ["monitoring", "argocd", "prod-eu"],
      ["web", "argocd", "prod-eu"],
    ]);
    const s = summary(envs);
    // The chart rendered with the Application's release name and values-prod.yaml (its NetworkPolicy is on there).
    expect(s.api).toEqual({ counts: [1, 1, 1], workloads: ["api/Deployment/shop-api"], problems: [] });
    // Plain manifests of apps/web, in the destination namespace.
    expect(s.web).toEqual({ counts: [1, 1, 0], workloads: ["web/Deployment/web"], problems: [] });
    // A chart from a Helm repository is said, not silently empty.
    expect(s.monitoring.counts).toEqual([0, 0, 0]);
    expect(s.monitoring.problems).toEqual([
      "Argo CD Application monitoring: chart kube-prometheus-stack from https://prometheus-community.github.io/helm-charts is not in the repository; not rendered",
    ]);
  });
});

describe(`Flux clusters/<name>/ are environments ${needsKustomize}`, () => {
  it("staging and production, each with its infrastructure and apps Kustomizations (targetNamespace)", () => {
    const s = summary(loadSideEnvironments(`${R}/flux`, { render: { cache: null } }));
    expect(Object.keys(s)).toEqual(["production", "staging"]);
    expect(s.staging.workloads).toEqual([
      "ingress-nginx/DaemonSet/ingress-nginx-controller",
      "shop-staging/Deployment/shop",
    ]);
    expect(s.staging.counts).toEqual([2, 1, 0]);
    expect(s.production.workloads).toEqual([
      "ingress-nginx/DaemonSet/ingress-nginx-controller",
      "shop-production/Deployment/shop",
    ]);
    expect(s.production.counts).toEqual([2, 1, 1]);
    // A HelmRelease whose chart comes from a Helm repository is said: what it installs is not analysed.
    expect(s.staging.problems).toEqual([
      "Flux HelmRelease podinfo: chart podinfo comes from HelmRepository podinfo; it is not rendered here, so what it installs is not analysed",
    ]);
  });
});

describe("environments declared in the configuration", () => {
  it("a repository applied with one namespace (kubectl apply -n app): its flows stay inside that namespace", () => {
    const envs = loadSideEnvironments(`${R}/one-namespace`, {
      render: { cache: null },
      environments: [{ name: "app", paths: ["manifests"], namespace: "app" }],
    });
    expect(envs.map((e) => [e.environment?.name, e.environment?.origin])).toEqual([["app", "config"]]);
    const c = envs[0].cluster;
    expect(c.workloads.map((w) => w.id).sort()).toEqual(["app/Deployment/web", "app/StatefulSet/db"]);
    expect(c.networkPolicies.map((p) => p.id)).toEqual(["app/NetworkPolicy/db-from-web"]);
  });

  it("names a folder that does not exist: said, not silent", () => {
    const envs = loadSideEnvironments(`${R}/one-namespace`, {
      environments: [{ name: "gone", paths: ["nowhere"] }],
    });
    expect(envs[0].cluster.diagnostics.map((d) => d.message)).toContain(
      "environment gone: nowhere is not a folder of the repository; not read",
    );
  });
});

describe(`environments of git refs ${needsKustomize}`, () => {
  const repo = mkdtempSync(join(tmpdir(), "reachdiff-envs-git-"));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("diff --base main --head a branch: the same environments as the folders", () => {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
        cwd: repo,
        encoding: "utf8",
      });
    git("init", "-q", "-b", "main");
    cpSync(join(process.cwd(), R, "overlays/base"), repo, { recursive: true });
    git("add", ".");
    git("commit", "-qm", "base");
    git("checkout", "-qb", "pr");
    rmSync(join(repo, "base"), { recursive: true });
    rmSync(join(repo, "overlays"), { recursive: true });
    cpSync(join(process.cwd(), R, "overlays/head"), repo, { recursive: true });
    git("add", "-A");
    git("commit", "-qm", "head");
    const r = spawnSync(process.execPath, [CLI, "diff", "--base", "main", "--head", "pr", "--format", "json"], {
      cwd: repo,
      encoding: "utf8",
    });
    const out = JSON.parse(r.stdout);
    expect(out.environments.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual([
      ["overlays/dev", "changed"],
      ["overlays/prod-eu", "changed"],
      ["tests/with-all-components", "changed"],
      ["overlays/staging", "added"],
    ]);
    expect(out.findings.filter((f: { rule: string }) => f.rule === "new-nodeport")).toHaveLength(4);
  });
});
