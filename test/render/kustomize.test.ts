// Kustomize overlays rendered with the real tool: a base and two overlays (namespace, namePrefix,
// commonLabels and labels, a strategic-merge patch of a NetworkPolicy and a JSON6902 patch of a
// Service type), a pull request that changes only an overlay, and one that breaks a kustomization.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import type { Cluster } from "../../src/model/types.js";
import { RENDER_FAILED, RENDERED } from "../../src/manifests/render-codes.js";
import { RenderCache } from "../../src/render/options.js";
import { isRenderedSource } from "../../src/render/source-map.js";
import { renderFetchedFiles } from "../../src/render/sides.js";
import { loadFetchedSide, loadSide, loadSnapshot } from "../../src/snapshot.js";
import { diffText } from "../../src/report/diff-text.js";
import { needsKustomize } from "../helpers/render-tools.js";

const FIXTURE = "fixtures/render/overlays";
const side = (name: string, cache = new RenderCache()) => loadSide(join(FIXTURE, name), { render: { cache } });
const ids = (c: Cluster) => [...c.workloads, ...c.services, ...c.networkPolicies].map((o) => o.id).sort();
const byId = (c: Cluster, id: string) =>
  [...c.workloads, ...c.services, ...c.networkPolicies].find((o) => o.id === id)!;

/** Every file under a folder, as the App would fetch it: names relative to the folder. */
function fetched(folder: string) {
  const out: { name: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ name: relative(folder, p).split("\\").join("/"), text: readFileSync(p, "utf8") });
    }
  };
  walk(folder);
  return out;
}

describe(`Kustomize overlays ${needsKustomize}`, () => {
  const base = side("base");

  it("renders each overlay once, with its namespace, name prefix and labels, and reads plain YAML as before", () => {
    expect(ids(base)).toEqual([
      "monitoring/Deployment/prometheus",
      ...["shop-prod/Deployment/prod-api", "shop-prod/Deployment/prod-db", "shop-prod/Deployment/prod-web"],
      ...[
        "shop-prod/NetworkPolicy/prod-allow-api",
        "shop-prod/NetworkPolicy/prod-allow-db",
        "shop-prod/NetworkPolicy/prod-allow-web",
        "shop-prod/NetworkPolicy/prod-default-deny",
      ],
      ...["shop-prod/Service/prod-api", "shop-prod/Service/prod-db", "shop-prod/Service/prod-web"],
      ...[
        "shop-staging/Deployment/staging-api",
        "shop-staging/Deployment/staging-db",
        "shop-staging/Deployment/staging-web",
      ],
      ...[
        "shop-staging/NetworkPolicy/staging-allow-api",
        "shop-staging/NetworkPolicy/staging-allow-db",
        "shop-staging/NetworkPolicy/staging-allow-web",
        "shop-staging/NetworkPolicy/staging-default-deny",
      ],
      ...["shop-staging/Service/staging-api", "shop-staging/Service/staging-db", "shop-staging/Service/staging-web"],
    ]);
    // The base's files belong to the overlays: they are not also read raw into the default namespace.
    expect(ids(base).some((id) => id.startsWith("default/"))).toBe(false);
    expect([...base.namespaces.keys()].sort()).toEqual(["monitoring", "shop-prod", "shop-staging"]);
    const web = base.workloads.find((w) => w.id === "shop-prod/Deployment/prod-web")!;
    expect(web.labels).toEqual({ app: "web", "app.kubernetes.io/part-of": "shop", env: "prod" });
    expect(base.workloads.find((w) => w.id === "shop-staging/Deployment/staging-web")!.labels).toEqual({
      app: "web",
      "app.kubernetes.io/part-of": "shop",
      env: "staging",
    });
    expect(base.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(base.diagnostics.filter((d) => d.code === RENDERED).map((d) => d.file)).toEqual([
      "apps/shop/overlays/prod/kustomization.yaml",
      "apps/shop/overlays/staging/kustomization.yaml",
    ]);
  });

  it("applies the JSON6902 patch to the Service type and the strategic-merge patch to the NetworkPolicy", () => {
    const prodWeb = base.services.find((s) => s.id === "shop-prod/Service/prod-web")!;
    expect([prodWeb.type, prodWeb.loadBalancerSourceRanges]).toEqual(["LoadBalancer", ["203.0.113.0/24"]]);
    expect(base.services.find((s) => s.id === "shop-staging/Service/staging-web")!.type).toBe("ClusterIP");
    const prodApi = base.networkPolicies.find((p) => p.id === "shop-prod/NetworkPolicy/prod-allow-api")!;
    const stagingApi = base.networkPolicies.find((p) => p.id === "shop-staging/NetworkPolicy/staging-allow-api")!;
    expect([prodApi.ingress.length, stagingApi.ingress.length]).toEqual([2, 1]);
  });

  it("points every rendered object at the file and line that define it", () => {
    const at = (id: string) => {
      const s = byId(base, id).source;
      return `${s.file}:${s.line}`;
    };
    expect(at("shop-prod/Deployment/prod-web")).toBe("apps/shop/base/web.yaml:1");
    expect(at("shop-prod/Service/prod-web")).toBe("apps/shop/base/web.yaml:21");
    expect(at("shop-staging/Service/staging-db")).toBe("apps/shop/base/db.yaml:21");
    expect(at("shop-prod/NetworkPolicy/prod-allow-db")).toBe("apps/shop/base/network-policies.yaml:37");
    const policy = byId(base, "shop-prod/NetworkPolicy/prod-allow-db");
    expect(policy.source.lineOf(["spec", "podSelector"])).toBe(42);
    const source = byId(base, "shop-prod/Service/prod-web").source;
    expect(isRenderedSource(source) && source.rendered).toMatchObject({
      unit: "apps/shop/overlays/prod/kustomization.yaml",
      tool: "kustomize",
      located: "definition",
    });
    // Plain files keep ordinary sources.
    expect(isRenderedSource(byId(base, "monitoring/Deployment/prometheus").source)).toBe(false);
  });

  it("a pull request that changes only an overlay: findings for that overlay, the other overlay's render reused", () => {
    const cache = new RenderCache();
    const b = side("base", cache);
    const h = side("head-overlay", cache);
    const reused = h.diagnostics.filter((d) => d.code === RENDERED && /reused/.test(d.message)).map((d) => d.file);
    expect(reused).toEqual(["apps/shop/overlays/staging/kustomization.yaml"]);
    const result = diffClusters(b, h, defaultConfig(), exposureOf);
    expect(result.risk).toBe("critical");
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings.every((f) => !JSON.stringify(f).includes("staging"))).toBe(true);
    const critical = result.findings.filter((f) => f.severity === "critical");
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((f) => f.objects.some((o) => o.includes("prod-db")))).toBe(true);
    expect(result.objects.map((o) => `${o.change} ${o.id}`).sort()).toEqual([
      "changed shop-prod/NetworkPolicy/prod-allow-db",
      "changed shop-prod/Service/prod-db",
    ]);
    expect(result.findings.some((f) => f.rule === "render-failed")).toBe(false);
  });

  it("a pull request that breaks a kustomization: a render-failed finding, the rest still analysed", () => {
    const cache = new RenderCache();
    const h = side("head-broken", cache);
    const failed = h.diagnostics.filter((d) => d.code === RENDER_FAILED);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ severity: "error", file: "apps/shop/overlays/prod/kustomization.yaml" });
    expect(failed[0].message).toMatch(
      /could not render apps\/shop\/overlays\/prod: .*allow-web-partners\.yaml.*no such file/,
    );
    expect(failed[0].message).not.toMatch(/\/tmp\/|reachdiff-render|must resolve to a file/);
    expect(ids(h).filter((id) => id.startsWith("shop-staging/"))).toHaveLength(10);
    expect(ids(h)).toContain("monitoring/Deployment/prometheus");
    expect(ids(h).some((id) => id.startsWith("shop-prod/"))).toBe(false);

    const result = diffClusters(side("base", cache), h, defaultConfig(), exposureOf);
    const finding = result.findings.find((f) => f.rule === "render-failed")!;
    expect(finding).toMatchObject({ severity: "high", file: "apps/shop/overlays/prod/kustomization.yaml" });
    expect(finding.message).toMatch(/^rendered in the base but fails in the head: /);
    expect(diffText(result)).toMatch(
      /Could not read everything in head:\n {2}apps\/shop\/overlays\/prod\/kustomization.yaml: error: .*could not render apps\/shop\/overlays\/prod/,
    );
    // The other direction (a fix) is no finding.
    expect(
      diffClusters(h, side("base", cache), defaultConfig(), exposureOf).findings.some(
        (f) => f.rule === "render-failed",
      ),
    ).toBe(false);
  });

  it("reads everything raw when rendering is off", () => {
    const raw = loadSide(join(FIXTURE, "base"), { render: false });
    expect(ids(raw)).toContain("default/Deployment/web");
    expect(ids(raw).some((id) => id.startsWith("shop-prod/"))).toBe(false);
  });

  it("loadSnapshot renders the folders it is given", () => {
    const c = loadSnapshot([join(FIXTURE, "base")], { render: { cache: null } });
    expect(ids(c)).toEqual(ids(base));
    expect(byId(c, "shop-prod/Service/prod-web").source.file).toBe(
      "fixtures/render/overlays/base/apps/shop/base/web.yaml",
    );
  });

  it("renders fetched files in a private folder that is removed afterwards, with the same result", async () => {
    const files = fetched(join(FIXTURE, "base"));
    const tempDir = mkdtempSync(join(tmpdir(), "reachdiff-test-"));
    afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
    const rendered = await renderFetchedFiles(files, ["**/*.yaml"], { cache: null, tempDir });
    expect(rendered.units.map((u) => [u.unit, u.status])).toEqual([
      ["apps/shop/overlays/prod/kustomization.yaml", "rendered"],
      ["apps/shop/overlays/staging/kustomization.yaml", "rendered"],
    ]);
    expect(rendered.outputs.map((o) => o.name)).toEqual([
      "apps/shop/overlays/prod/kustomization.yaml (rendered)",
      "apps/shop/overlays/staging/kustomization.yaml (rendered)",
    ]);
    const c = await loadFetchedSide({ files }, { globs: ["**/*.yaml"], render: { cache: null, tempDir } });
    expect(ids(c)).toEqual(ids(base));
    expect(byId(c, "shop-prod/NetworkPolicy/prod-allow-db").source).toMatchObject({
      file: "apps/shop/base/network-policies.yaml",
      line: 37,
    });
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it("refuses a remote base without running kustomize, and analyses the rest", async () => {
    const files = [
      ...fetched(join(FIXTURE, "base")),
      {
        name: "apps/remote/kustomization.yaml",
        text: "resources:\n  - https://github.com/example/manifests//base?ref=v1\n",
      },
    ];
    const rendered = await renderFetchedFiles(files, ["**/*.yaml"], { cache: null });
    const failed = rendered.diagnostics.filter((d) => d.code === RENDER_FAILED);
    expect(failed).toEqual([
      expect.objectContaining({
        file: "apps/remote/kustomization.yaml",
        message: expect.stringMatching(/remote reference refused .*allow-remote-bases/),
      }),
    ]);
    expect(rendered.units.filter((u) => u.status === "rendered")).toHaveLength(2);
  });

  it("stops a render that runs over its time or output limit", async () => {
    const files = fetched(join(FIXTURE, "base"));
    const slow = await renderFetchedFiles(files, ["**/*.yaml"], {
      cache: null,
      timeoutMs: 300,
      tools: { kustomize: [process.execPath, "-e", "setTimeout(() => {}, 20000)"] },
    });
    expect(slow.diagnostics.filter((d) => d.code === RENDER_FAILED).map((d) => d.message)).toEqual([
      expect.stringMatching(/could not render apps\/shop\/overlays\/prod: stopped after the time limit of 0.3 s/),
      expect.stringMatching(/could not render apps\/shop\/overlays\/staging: stopped after the time limit/),
    ]);
    const big = await renderFetchedFiles(files, ["**/*.yaml"], {
      cache: null,
      maxOutputBytes: 1000,
      tools: { kustomize: [process.execPath, "-e", "process.stdout.write('x'.repeat(100000))"] },
    });
    expect(big.diagnostics.filter((d) => d.code === RENDER_FAILED).map((d) => d.message)).toEqual([
      expect.stringMatching(/over the limit of 1000 bytes/),
      expect.stringMatching(/over the limit of 1000 bytes/),
    ]);
  });

  describe("git refs", () => {
    const repo = mkdtempSync(join(tmpdir(), "reachdiff-git-"));
    afterAll(() => rmSync(repo, { recursive: true, force: true }));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd: repo,
        encoding: "utf8",
      });

    it("renders both sides of `diff --base REF --head REF` from the commits", { timeout: 180_000 }, () => {
      git("init", "-q");
      cpSync(join(FIXTURE, "base"), repo, { recursive: true });
      git("add", "-A");
      git("commit", "-qm", "base");
      rmSync(join(repo, "apps"), { recursive: true });
      cpSync(join(FIXTURE, "head-overlay"), repo, { recursive: true });
      git("add", "-A");
      git("commit", "-qm", "head");
      const cli = join(process.cwd(), "build/src/cli/main.js");
      let out = "";
      try {
        out = execFileSync(process.execPath, [cli, "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json"], {
          cwd: repo,
          encoding: "utf8",
        });
      } catch (e) {
        out = (e as { stdout: string }).stdout; // exit 1: the risk reaches fail-on
      }
      const report = JSON.parse(out) as {
        risk: string;
        findings: { rule: string; file?: string; objects: string[] }[];
      };
      expect(report.risk).toBe("critical");
      expect(
        report.findings.some(
          (f) => f.objects.some((o) => o === "shop-prod/Service/prod-db") && f.file === "apps/shop/base/db.yaml",
        ),
      ).toBe(true);
    });
  });
});
