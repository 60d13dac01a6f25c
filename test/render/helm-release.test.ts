// Flux HelmReleases whose chart is a folder of the repository are rendered for their environment with
// the values Flux composes (valuesFrom in order, then spec.values), after the overlay's Kustomize
// patches; a valuesFrom that is nowhere in the manifests is said at the HelmRelease's line. Real
// kustomize and helm.
import { describe, expect, it } from "vitest";
import { type EnvironmentSnapshot, loadSideEnvironments } from "../../src/environments.js";

const R = "fixtures/repos/flux-helm";

describe("Flux HelmRelease values", () => {
  const envs = Object.fromEntries(
    loadSideEnvironments(R, { render: { cache: null } }).map((e): [string, EnvironmentSnapshot["cluster"]] => [
      e.environment?.name ?? "",
      e.cluster,
    ]),
  );

  it("finds staging and production, each rendering the chart of the repository once", () => {
    expect(Object.keys(envs)).toEqual(["production", "staging"]);
    for (const c of Object.values(envs)) {
      expect(c.workloads.map((w) => [w.id, w.replicas])).toEqual([["shop/Deployment/web", 2]]);
      expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(c.diagnostics.map((d) => d.message).join("\n")).not.toContain("is not rendered here");
    }
  });

  it("production: the overlay's values patch turns the chart's NetworkPolicy on", () => {
    const c = envs.production;
    expect(c.networkPolicies.map((p) => [p.id, p.source.file])).toEqual([
      ["shop/NetworkPolicy/web", "charts/web/templates/networkpolicy.yaml"],
    ]);
    expect(c.services.map((s) => [s.id, s.type])).toEqual([["shop/Service/web", "ClusterIP"]]);
  });

  it("staging: valuesFrom a ConfigMap of the overlay makes the Service a LoadBalancer; a missing Secret is said at its line", () => {
    const c = envs.staging;
    expect(c.networkPolicies).toEqual([]);
    expect(c.services.map((s) => [s.id, s.type])).toEqual([["shop/Service/web", "LoadBalancer"]]);
    expect(
      c.diagnostics.filter((d) => d.code === "values-not-found").map((d) => [d.severity, d.file, d.line, d.message]),
    ).toEqual([
      [
        "warning",
        "apps/base/release.yaml",
        6,
        "Flux HelmRelease web: valuesFrom Secret web-secret-values is not among this environment's manifests; Flux would not install the release without it; the chart is rendered without those values",
      ],
    ]);
  });
});
