// Helm chart dependencies, resolved offline: vendored in charts/, or a chart folder of the repository named
// by a file:// path (placed beside the chart in a private copy); remote ones (OCI, HTTP) fail the chart
// with a message saying what to do, unless allow-remote-dependencies lets helm fetch them.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { couldNotAnalyse } from "../../src/review/environments.js";
import type { Cluster } from "../../src/model/types.js";
import { RENDER_FAILED, RENDER_SKIPPED } from "../../src/manifests/render-codes.js";
import { isRenderedSource } from "../../src/render/source-map.js";
import { loadSide, loadSides } from "../../src/snapshot.js";
import { needsHelm } from "../helpers/render-tools.js";

const FIXTURE = "fixtures/repos/helm-dependencies";
const REMOTE_REFUSED =
  "chart charts/remote is not rendered: chart dependencies redis (oci://registry-1.docker.io/bitnamicharts) are not in the repository (neither vendored in charts/ nor file://) and are not fetched; vendor them (helm dependency build, then commit charts/) or set allow-remote-dependencies in the base branch's configuration";
const problems = (c: Cluster) =>
  c.diagnostics.filter((d) => d.severity !== "info").map((d) => [d.severity, d.file, d.code, d.message]);

describe(`chart dependencies with the real helm ${needsHelm}`, () => {
  const c = loadSide(FIXTURE, { render: { cache: null } });

  it("renders a vendored dependency and a file:// one, each object pointing at its own chart's template", () => {
    const place = (id: string) => {
      const w = [...c.workloads, ...c.services].find((o) => o.id === id)!;
      return [w.source.file, w.source.line, isRenderedSource(w.source) && w.source.rendered.unit];
    };
    expect(place("default/Deployment/shop-web")).toEqual([
      "charts/shop/templates/web.yaml",
      2,
      "charts/shop/Chart.yaml",
    ]);
    expect(place("default/StatefulSet/shop-cache")).toEqual([
      "charts/shop/charts/cache/templates/cache.yaml",
      2,
      "charts/shop/Chart.yaml",
    ]);
    expect(place("default/Deployment/shop-exporter")).toEqual([
      "charts/metrics/templates/exporter.yaml",
      2,
      "charts/shop/Chart.yaml",
    ]);
    // The repository's folder is not written to: the file:// dependency was placed in a private copy.
    expect(existsSync(join(FIXTURE, "charts/shop/charts/metrics"))).toBe(false);
  });

  it("does not render alone a chart that another takes in by file://", () => {
    expect(c.workloads.filter((w) => w.name === "metrics-exporter")).toEqual([]);
    expect(c.diagnostics.find((d) => d.code === RENDER_SKIPPED)).toMatchObject({
      file: "charts/metrics/Chart.yaml",
      message:
        "chart charts/metrics is a dependency of chart charts/shop (file://): it is rendered as part of it, not alone",
    });
  });

  it("fails a chart with a remote dependency closed, with what to do, on each side where it fails", () => {
    expect(problems(c)).toEqual([["error", "charts/remote/Chart.yaml", RENDER_FAILED, REMOTE_REFUSED]]);
    // A chart that fails on both sides of a diff is listed on both, not silent.
    const [base, head] = loadSides(FIXTURE, FIXTURE, { render: { cache: null } });
    expect(problems(base)).toEqual(problems(c));
    expect(problems(head)).toEqual(problems(c));
    // A side whose only unit fails reads nothing: that is "could not analyse", never "no change".
    const alone = loadSide(`${FIXTURE}/charts/remote`, { render: { cache: null } });
    expect(couldNotAnalyse(alone)).toMatch(
      /^nothing could be read: Chart\.yaml: chart .* is not rendered: chart dependencies redis \(oci:\/\/registry-1\.docker\.io\/bitnamicharts\) are not in the repository/,
    );
    expect(couldNotAnalyse(c)).toBeNull();
  });
});

describe("allow-remote-dependencies", () => {
  const dir = mkdtempSync(join(tmpdir(), "reachdiff-helm-deps-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fake = join(dir, "helm");
  const calls = join(dir, "calls.jsonl");
  // Records how it was called; renders nothing.
  writeFileSync(
    fake,
    `#!${process.execPath}\nrequire("node:fs").appendFileSync(${JSON.stringify(calls)}, JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
  );
  chmodSync(fake, 0o755);

  it("lets helm fetch remote dependencies (--dependency-update) in a private copy of the chart", () => {
    const c = loadSide(FIXTURE, { render: { cache: null, tools: { helm: fake }, allowRemoteDependencies: true } });
    expect(problems(c)).toEqual([]);
    const argv = readFileSync(calls, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as string[]);
    const remote = argv.find((a) => a[2].endsWith("charts/remote"))!;
    expect(remote.slice(0, 2)).toEqual(["template", "remote"]);
    expect(remote).toContain("--dependency-update");
    expect(remote[2]).not.toBe(join(process.cwd(), FIXTURE, "charts/remote"));
    // A chart with nothing to fetch is rendered in place, without --dependency-update.
    const shopless = argv.filter((a) => !a[2].endsWith("charts/remote"));
    for (const a of shopless) expect(a).not.toContain("--dependency-update");
  });
});
