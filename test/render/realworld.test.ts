// The real-world manifest sets in ../shared/realworld load and render without crashing, and find the
// workloads, Services and policies pinned here (policies: NetworkPolicies plus admin-tier policies).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { RENDER_FAILED, RENDERED } from "../../src/manifests/render-codes.js";
import { RenderCache } from "../../src/render/options.js";
import { renderFetchedFiles, renderFolderSync } from "../../src/render/sides.js";
import { loadSide } from "../../src/snapshot.js";
import { needsKustomize } from "../helpers/render-tools.js";

const REALWORLD = join(process.cwd(), "../shared/realworld");
const present = existsSync(REALWORLD);

/** [workloads, services, policies] per snapshot folder. */
const PINNED: Record<string, [number, number, number]> = {
  "np-guard-online-boutique-pr60/base": [12, 12, 0],
  "np-guard-online-boutique-pr60/bot-netpols": [12, 12, 12],
  "np-guard-online-boutique-pr60/head": [12, 12, 12],
  // 5 Deployments, the node-exporter DaemonSet, and the pods the operator makes for Prometheus and Alertmanager.
  "kube-prometheus-pr1650/base": [8, 8, 0],
  "kube-prometheus-pr1650/head": [8, 8, 8],
  "kube-prometheus-pr1982/base": [8, 8, 8],
  "kube-prometheus-pr1982/head": [8, 8, 8],
  // raw/ holds five top-level Kustomize roots (rendered) besides plain manifests.
  "microservices-demo/raw": [13, 13, 13],
  "microservices-demo/rendered/base": [12, 12, 0],
  "microservices-demo/rendered/head": [12, 11, 13],
  "netpol-analyzer-testdata/tests/acs-security-demos": [11, 11, 14],
  "netpol-analyzer-testdata/tests/acs-security-demos-added-workloads": [11, 13, 18],
  "netpol-analyzer-testdata/tests/acs-security-demos-new": [11, 11, 14],
  "netpol-analyzer-testdata/tests/acs-security-demos-no-routes": [11, 11, 14],
  "netpol-analyzer-testdata/tests/anp_banp_blog_demo": [4, 0, 4],
  "netpol-analyzer-testdata/tests/anp_demo": [4, 0, 7],
  "netpol-analyzer-testdata/tests/anp_test_4_with_priority_chang_pass_to_banp": [4, 0, 3],
  "netpol-analyzer-testdata/tests/anp_with_np_and_banp_pass_test": [2, 0, 3],
  "netpol-analyzer-testdata/tests/demo_app_with_routes_and_ingress": [3, 3, 0],
  "netpol-analyzer-testdata/tests/deny_all_to_from_a_deployment": [2, 0, 1],
  "netpol-analyzer-testdata/tests/deny_all_to_from_a_deployment_changed_netpol": [2, 0, 1],
  "netpol-analyzer-testdata/tests/exposure_test_with_anp_1": [2, 0, 2],
  "netpol-analyzer-testdata/tests/ingress_example_with_named_port": [1, 1, 0],
  "netpol-analyzer-testdata/tests/ipblockstest": [22, 0, 1],
  "netpol-analyzer-testdata/tests/ipblockstest_2": [22, 0, 1],
  "netpol-analyzer-testdata/tests/ipblockstest_3": [22, 0, 1],
  "netpol-analyzer-testdata/tests/ipblockstest_4": [22, 0, 1],
  "netpol-analyzer-testdata/tests/k8s_ingress_test": [6, 5, 0],
  "netpol-analyzer-testdata/tests/k8s_ingress_test_new": [7, 6, 4],
  "netpol-analyzer-testdata/tests/multiple_ingress_objects_with_different_ports": [1, 1, 0],
  "netpol-analyzer-testdata/tests/multiple_ingress_objects_with_different_ports_new": [1, 1, 0],
  "netpol-analyzer-testdata/tests/netpol-analysis-example-minimal": [2, 3, 3],
  "netpol-analyzer-testdata/tests/netpol-diff-example-minimal": [2, 3, 3],
  "netpol-analyzer-testdata/tests/one_ingress_multiple_ports": [1, 1, 0],
  "netpol-analyzer-testdata/tests/one_ingress_multiple_services": [1, 2, 0],
  "netpol-analyzer-testdata/tests/onlineboutique_workloads": [12, 12, 11],
  "netpol-analyzer-testdata/tests/onlineboutique_workloads_changed_netpols": [12, 12, 12],
  "netpol-analyzer-testdata/tests/onlineboutique_workloads_changed_netpols_and_workloads": [13, 12, 12],
  "netpol-analyzer-testdata/tests/onlineboutique_workloads_changed_workloads": [13, 12, 11],
  "netpol-analyzer-testdata/tests/onlineboutique_workloads_with_ingress": [12, 12, 11],
  "netpol-analyzer-testdata/tests/route_example_with_target_port": [1, 1, 0],
  "netpol-analyzer-testdata/tests/test_with_named_ports": [21, 0, 1],
  "netpol-analyzer-testdata/tests/test_with_named_ports_changed_netpol": [21, 0, 1],
  "netpol-analyzer-testdata/tests/with_end_port_example": [21, 0, 1],
  "netpol-analyzer-testdata/tests/with_end_port_example_new": [21, 0, 1],
  "gateway-api-v1.6.1/conformance": [39, 59, 0],
  "gateway-api-v1.6.1/examples": [0, 0, 0],
};

const withKustomize = new Set(["microservices-demo/raw"]);

describe.skipIf(!present)(`real-world manifests${present ? "" : " (SKIPPED: ../shared/realworld is not here)"}`, () => {
  it("pins a count for every snapshot folder there is", () => {
    const found = readdirSync(join(REALWORLD, "netpol-analyzer-testdata/tests")).map(
      (d) => `netpol-analyzer-testdata/tests/${d}`,
    );
    expect(found.filter((d) => !(d in PINNED))).toEqual([]);
  });

  const cache = new RenderCache();
  for (const [folder, counts] of Object.entries(PINNED)) {
    const needs = withKustomize.has(folder);
    it(`${folder}: ${counts.join(" / ")} workloads / services / policies${needs ? ` ${needsKustomize}` : ""}`, () => {
      const cluster = loadSide(join(REALWORLD, folder), { render: { cache } });
      expect([
        cluster.workloads.length,
        cluster.services.length,
        cluster.networkPolicies.length + cluster.adminPolicies.length,
      ]).toEqual(counts);
      expect(cluster.diagnostics.filter((d) => d.code === RENDER_FAILED)).toEqual([]);
      if (needs) expect(cluster.diagnostics.filter((d) => d.code === RENDERED)).toHaveLength(5);
    });
  }
});

/** Objects of a YAML text, for comparing renders. */
const objectsOf = (name: string, text: string) => parseManifestText(name, text, new Diagnostics()).map((o) => o.data);
const key = (o: Record<string, unknown>) => `${o.kind}/${(o.metadata as { name: string }).name}`;
const sorted = (list: Record<string, unknown>[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));

function filesUnder(folder: string, prefix: string) {
  const out: { name: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ name: `${prefix}/${relative(folder, p).split("\\").join("/")}`, text: readFileSync(p, "utf8") });
    }
  };
  walk(folder);
  return out;
}

describe.skipIf(!present)(`microservices-demo renders as upstream's kubectl kustomize did ${needsKustomize}`, () => {
  const demo = join(REALWORLD, "microservices-demo");

  it("kustomize/base equals rendered/base", () => {
    const side = renderFolderSync(join(demo, "raw/kustomize/base"), demo, { cache: null });
    const expected = objectsOf("all.yaml", readFileSync(join(demo, "rendered/base/all.yaml"), "utf8"));
    expect(sorted(side.objects.map((o) => o.data))).toEqual(sorted(expected));
    expect(side.objects.every((o) => o.source.file.startsWith("raw/kustomize/base/"))).toBe(true);
  });

  it("base with the network-policies and service-mesh-istio components equals rendered/head (as fetched files)", async () => {
    const files = [
      ...filesUnder(join(demo, "raw/kustomize/base"), "kustomize/base"),
      ...filesUnder(join(demo, "raw/kustomize/components/network-policies"), "kustomize/components/network-policies"),
      ...filesUnder(
        join(demo, "raw/kustomize/components/service-mesh-istio"),
        "kustomize/components/service-mesh-istio",
      ),
      {
        name: "kustomize/head/kustomization.yaml",
        text: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../base\ncomponents:\n- ../components/network-policies\n- ../components/service-mesh-istio\n",
      },
    ];
    const side = await renderFetchedFiles(files, ["kustomize/head/**"], { cache: null });
    expect(side.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const expected = objectsOf("all.yaml", readFileSync(join(demo, "rendered/head/all.yaml"), "utf8"));
    expect(sorted(side.objects.map((o) => o.data))).toEqual(sorted(expected));
    const policy = side.objects.find((o) => key(o.data) === "NetworkPolicy/deny-all")!;
    expect(policy.source.file).toMatch(/^kustomize\/components\/network-policies\/.+\.yaml$/);
  });
});
