// When a side of an environment counts as analysed: a Namespaces-only environment with nothing missing
// is analysed (it deploys nothing that carries traffic, and says "no change" truthfully); one whose only
// objects carry no traffic while what it deploys could not be read is "could not analyse".
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/load-config.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import { environmentLine } from "../../src/report/environments.js";
import { couldNotAnalyse } from "../../src/review/environments.js";
import { review } from "../../src/review/review.js";

const NAMESPACES = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: payments}`;
const HELM_RELEASE = `
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: shop}
spec: {chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: podinfo}}}}`;

function cluster(yaml: string, missing?: string) {
  const diagnostics = new Diagnostics();
  if (missing)
    diagnostics.add({
      severity: "warning",
      file: "clusters/prod/podinfo.yaml",
      line: 4,
      message: missing,
      code: "not-deployed-here",
    });
  return buildCluster(parseManifestText("clusters/prod/all.yaml", yaml, diagnostics), {}, diagnostics);
}

describe("could not analyse", () => {
  it("an environment of only Namespaces, with nothing missing, is analysed: no change, truthfully", () => {
    const c = cluster(NAMESPACES);
    expect(couldNotAnalyse(c)).toBeNull();
    const r = review({
      environments: [
        { name: "namespaces", base: c, head: c },
        { name: "other", base: c, head: c },
      ],
      config: defaultConfig(),
    });
    expect(r.verdict.unanalysed).toEqual([]);
    expect(environmentLine(r.result.environments![0])).toBe(
      "namespaces: no change (0 workloads, 0 Services, 0 policies)",
    );
  });

  it("only objects that carry no traffic while its chart comes from elsewhere: could not analyse, naming what is missing", () => {
    const missing =
      "Flux HelmRelease podinfo: chart podinfo comes from HelmRepository podinfo; it is not rendered here";
    const c = cluster(NAMESPACES + HELM_RELEASE, missing);
    expect(couldNotAnalyse(c)).toBe(
      `only 3 object(s) that carry no traffic (no workload, Service, policy or entry point) were read, and what it deploys could not be: clusters/prod/podinfo.yaml: ${missing}`,
    );
    const r = review({
      environments: [
        { name: "prod", base: c, head: c },
        { name: "other", base: cluster(NAMESPACES), head: cluster(NAMESPACES) },
      ],
      config: defaultConfig(),
    });
    expect(r.verdict.failed).toBe(true);
    expect(r.verdict.unanalysed).toHaveLength(2);
    expect(environmentLine(r.result.environments![0])).toMatch(/^prod: could not analyse, only 3 object\(s\)/);
  });

  it("a workload beside the missing chart: analysed (what was read is analysed, the missing chart is a warning)", () => {
    const deployment = `
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: web:1}]}}`;
    expect(couldNotAnalyse(cluster(NAMESPACES + HELM_RELEASE + deployment, "chart from elsewhere"))).toBeNull();
  });
});
