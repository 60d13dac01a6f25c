// Oracle: np-guard netpol-analyzer's expected outputs. It reports every Ingress or Route backend as
// `{ingress-controller} => <workload> : <ports>` when policies let an in-cluster proxy reach it. Our
// Ingress and Route exposures that no policy blocks must name the same workloads and pod ports.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeExposure, type Exposure } from "../../../src/analysis/exposure/index.js";
import { loadSnapshot } from "../../../src/snapshot.js";
import { haveShared, REALWORLD } from "../../helpers/exposure.js";

const DATA = join(REALWORLD, "netpol-analyzer-testdata");

/** `{ingress-controller} => ns/name[Kind] : TCP 8050,8090` lines -> "ns/Kind/name: TCP 8050,8090". */
function theirs(file: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\{ingress-controller\} => ([^/]+)\/([^[]+)\[([^\]]+)\] : (.+)$/.exec(line.trim());
    if (m) out.push(`${m[1]}/${m[3]}/${m[2]}: ${m[4]}`);
  }
  return out.sort();
}

/** Our unblocked Ingress and Route exposures in the same shape. */
function ours(dir: string): string[] {
  const result = computeExposure(loadSnapshot([join(DATA, "tests", dir)]));
  return proxied(result.exposures.filter((e) => e.blockedBy === null));
}

function proxied(exposures: readonly Exposure[]): string[] {
  const ports = new Map<string, Set<number>>();
  for (const e of exposures) {
    if (e.via.kind !== "Ingress" && e.via.kind !== "Route") continue;
    const set = ports.get(`${e.workload}\u0000${e.protocol}`) ?? new Set<number>();
    set.add(e.port);
    ports.set(`${e.workload}\u0000${e.protocol}`, set);
  }
  return [...ports]
    .map(([key, set]) => {
      const [workload, protocol] = key.split("\u0000");
      return `${workload}: ${protocol} ${[...set].sort((a, b) => a - b).join(",")}`;
    })
    .sort();
}

describe.skipIf(!haveShared(DATA))(
  "np-guard {ingress-controller} edges (needs ../shared/realworld/netpol-analyzer-testdata)",
  () => {
    it.each([
      ["acs-security-demos", "acs-security-demos_connlist_output.txt"],
      ["acs-security-demos", "acs-security-demos_exposure_output.txt"],
      ["demo_app_with_routes_and_ingress", "demo_app_with_routes_and_ingress_connlist_output.txt"],
      ["k8s_ingress_test", "k8s_ingress_test_connlist_output.txt"],
      [
        "multiple_ingress_objects_with_different_ports",
        "multiple_ingress_objects_with_different_ports_connlist_output.txt",
      ],
      ["one_ingress_multiple_ports", "one_ingress_multiple_ports_connlist_output.txt"],
      ["one_ingress_multiple_services", "one_ingress_multiple_services_connlist_output.txt"],
    ])("%s agrees with %s", (dir, golden) => {
      const expected = theirs(join(DATA, "test_outputs/connlist", golden));
      expect(expected.length).toBeGreaterThan(0);
      expect(ours(dir)).toEqual(expected);
    });

    it("acs-security-demos-new: the edge np-guard reports removed is, for us, still routed but blocked by policy", () => {
      const diff = readFileSync(
        join(DATA, "test_outputs/diff/diff_between_acs-security-demos-new_and_acs-security-demos.txt"),
        "utf8",
      );
      expect(diff).toContain(
        "diff-type: removed, source: {ingress-controller}, destination: frontend/asset-cache[Deployment], ref1: TCP 8080, ref2: No Connections",
      );
      const result = computeExposure(loadSnapshot([join(DATA, "tests/acs-security-demos-new")]));
      expect(proxied(result.exposures.filter((e) => e.blockedBy === null))).toEqual([
        "frontend/Deployment/webapp: TCP 8080",
      ]);
      expect(result.exposures.find((e) => e.workload === "frontend/Deployment/asset-cache")!.blockedBy).toBe(
        "frontend/NetworkPolicy/asset-cache-netpol",
      );
    });

    it("acs-security-demos-no-routes: without Routes nothing is proxied", () => {
      expect(ours("acs-security-demos-no-routes")).toEqual([]);
    });

    it("multiple_ingress_objects_with_different_ports_new: the ports change as the diff says (TCP 8050,8090 -> 8000,8090)", () => {
      expect(ours("multiple_ingress_objects_with_different_ports_new")).toEqual([
        "ingressworld/Deployment/ingress-world-multiple-ports: TCP 8000,8090",
      ]);
    });

    it("k8s_ingress_test_new: known difference, np-guard matches the Ingress port against the targetPort; we follow the API", () => {
      // The Ingress asks for port 8080 of Service unicorn, whose only port is 5000 (targetPort 8080).
      // networking.k8s.io/v1 says backend.service.port is the Service's port, so the rule reaches no pod.
      const expected = theirs(join(DATA, "test_outputs/connlist/k8s_ingress_test_new_exposure_output.txt"));
      expect(expected).toEqual([
        "default/Deployment/unicorn: TCP 8080",
        "default/ReplicaSet/details-v1-79f774bdb9: TCP 9080",
      ]);
      const result = computeExposure(loadSnapshot([join(DATA, "tests/k8s_ingress_test_new")]));
      expect(proxied(result.exposures.filter((e) => e.blockedBy === null))).toEqual([
        "default/ReplicaSet/details-v1-79f774bdb9: TCP 9080",
      ]);
      expect(result.broken.map((b) => `${b.ref}: ${b.reason}`)).toContain(
        "default/Ingress/ingress-policy: Service default/Service/unicorn has no port 8080",
      );
    });
  },
);
