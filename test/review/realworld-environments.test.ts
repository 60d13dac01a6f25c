// The real-world sets in ../shared/realworld, each side read as the environments it deploys: the
// environments found and their workloads / Services / policies (NetworkPolicies and admin-tier), pinned.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { couldNotAnalyse } from "../../src/review/environments.js";
import { loadSideEnvironments } from "../../src/environments.js";
import { needsKustomize } from "../helpers/render-tools.js";

const REALWORLD = join(process.cwd(), "../shared/realworld");

/** set -> environment -> [workloads, Services, policies, warnings]; "" is a side that is one environment. */
const PINNED: Record<string, Record<string, [number, number, number, number]>> = {
  // Flux: two clusters; every workload comes from a HelmRelease whose chart is remote (podinfo, cert-manager,
  // Envoy Gateway), so each cluster reads none, and says so three times.
  "flux2-kustomize-helm-example/tree": { production: [0, 0, 0, 3], staging: [0, 0, 0, 3] },
  // Five Kustomize roots (alternatives: the default, three test variants with every component of their
  // kind, and the kubernetes-manifests folder) and the release/ and istio-manifests/ files no root renders.
  "microservices-demo/raw": {
    "kubernetes-manifests": [11, 12, 0, 0],
    kustomize: [12, 12, 0, 0],
    "kustomize/tests/memorystore-with-all-components": [12, 12, 13, 0],
    "kustomize/tests/service-mesh-istio-with-all-components": [13, 12, 13, 0],
    "kustomize/tests/spanner-with-all-components": [12, 12, 13, 0],
    "plain manifests": [12, 12, 0, 0],
  },
  "microservices-demo/rendered/base": { "": [12, 12, 0, 0] },
  "microservices-demo/rendered/head": { "": [12, 11, 13, 0] },
  "np-guard-online-boutique-pr60/base": { "": [12, 12, 0, 2] },
  "np-guard-online-boutique-pr60/head": { "": [12, 12, 12, 2] },
  "kube-prometheus-pr1650/base": { "": [8, 8, 0, 0] },
  "kube-prometheus-pr1650/head": { "": [8, 8, 8, 0] },
  "kube-prometheus-pr1982/head": { "": [8, 8, 8, 0] },
  "gateway-api-v1.6.1": { "": [39, 59, 0, 50] },
};

describe.skipIf(!existsSync(REALWORLD))(`real-world sets as environments ${needsKustomize}`, () => {
  for (const [set, expected] of Object.entries(PINNED))
    it(set, () => {
      const envs = loadSideEnvironments(join(REALWORLD, set), { render: { cache: null } });
      const got = Object.fromEntries(
        envs.map((e) => {
          const c = e.cluster;
          return [
            e.environment?.name ?? "",
            [
              c.workloads.length,
              c.services.length,
              c.networkPolicies.length + c.adminPolicies.length,
              c.diagnostics.filter((d) => d.severity === "warning").length,
            ],
          ];
        }),
      );
      expect(got).toEqual(expected);
      // Every environment read some object (the Flux clusters: their Namespaces, Gateway and issuers, while
      // the HelmReleases' workloads are said not analysed), so none is "could not analyse".
      for (const e of envs) expect(couldNotAnalyse(e.cluster)).toBeNull();
      for (const e of envs) expect(e.cluster.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    });
});
