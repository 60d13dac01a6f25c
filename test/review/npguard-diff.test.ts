// Oracle test: `reachdiff diff` on the np-guard (netpol-analyzer) test manifests (dir1 = base,
// dir2 = head), against netpol-analyzer's `diff -o txt` goldens. Both sides are normalised by
// test/helpers/npguard.ts: workload pairs keyed by our ids with (base, head) connections; outside
// addresses as per-(workload, direction) functions of the IPv4 address to the (base, head) pair where
// they differ, so that np-guard's re-split and merged blocks compare with our CIDRs; self edges dropped;
// workloads-diff-info as workload -> added | removed for the endpoints of the listed changes.
//
// `{ingress-controller}` lines are the Ingress/Route exposure path. np-guard models the controller as
// one arbitrary in-cluster pod: namespace `ingress-controller-ns`, no pod labels, no policies of its own;
// a backend is listed with the TCP ports that the NetworkPolicies/admin policies of the backend admit
// from that pod. We model a configured controller identity (default: pods in ingress-nginx, and the
// OpenShift router in openshift-ingress with the ingress operator's policy-group labels), so with our
// defaults a policy admitting `namespaceSelector: {policy-group: ingress}` would read differently, not
// wrongly. Decision: configure our identity to be np-guard's pod, then compare exactly. The config's
// `ingress-controller` is set to namespace ingress-controller-ns with no pod labels (not in the
// manifests, so a synthetic pod with namespace label kubernetes.io/metadata.name=ingress-controller-ns
// and no pod labels, whose egress is not enforced), and the exposure engine's `openshiftRouter` option
// (not a config key) is set to the same pod for Routes. The ingress pair per workload is then the set of
// (protocol, port) of that side's unblocked Ingress/Route exposures, base vs head. (np-guard also keeps
// only TCP and only ports the backend declares as containerPorts, where we follow the Service's
// targetPort whether declared or not; no case here tells the two apart. With our default identities
// the ingress pairs of all 46 cases come out the same too: no policy here tells the namespaces apart.)
//
// hostNetwork pods are not subject to NetworkPolicy (the decision documented in
// test/analysis/npguard-reach.test.ts and test/helpers/npguard-known.ts), so diffs of manifests with hostNetwork
// pods differ from np-guard wherever those pods are an endpoint.
//
// Most cases run in-process, with the functions `reachdiff diff` calls (loadSide, diffClusters with
// exposureOf's options, diffJson); CLI_CASES run `node build/src/cli/main.js diff --format json` with a
// config file giving the same ingress-controller namespace. The CLI's JSON holds only exposure changes,
// so there the ingress pairs come from the changes (exact unless an unchanged entry reaches the same pod
// port as a changed one), and the CLI cases have no Routes (the router identity is not a config key).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExposureFn } from "../../src/analysis/analyze.js";
import { diffClusters } from "../../src/review/review.js";
import { computeExposure } from "../../src/analysis/exposure/index.js";
import { exposureOptions } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/schema.js";
import { diffJson } from "../../src/report/diff-json.js";
import { loadSide } from "../../src/snapshot.js";
import {
  canonicalFromDiffJson,
  canonicalFromNpGuardDiffTxt,
  compareDiffCanonical,
  type DiffCanonical,
  type DiffJson,
} from "../helpers/npguard.js";
import {
  BANK_HOST_NETWORK,
  explains,
  HOST_NETWORK,
  IPBLOCKSTEST_HOST_NETWORK,
  type KnownDifference,
} from "../helpers/npguard-known.js";

const ORACLE = path.resolve("..", "shared", "oracle", "np-guard");
const CLI = path.resolve("build", "src", "cli", "main.js");

/** np-guard's stand-in for the ingress controller (and the OpenShift router). */
const CONTROLLER_NAMESPACE = "ingress-controller-ns";

interface DiffCase {
  kind: string;
  dir1: string;
  dir2: string;
  format: string;
  flags: string[];
  expected: string;
}

const caseName = (c: DiffCase) => `${c.dir1} -> ${c.dir2}`;

/**
 * Cases where we differ from netpol-analyzer, keyed by `dir1 -> dir2`, with the reason: deliberate
 * semantic differences (hostNetwork, an Ingress port that names no Service port), and two inputs we do
 * not read as np-guard does (a tab that YAML 1.2 forbids, primary UDNs). Each entry is asserted to
 * still differ, and to agree everywhere else.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
  "tests/ipblockstest -> tests/ipblockstest_2": { reason: HOST_NETWORK, workloads: IPBLOCKSTEST_HOST_NETWORK },
  "tests/ipblockstest -> tests/ipblockstest_3": { reason: HOST_NETWORK, workloads: IPBLOCKSTEST_HOST_NETWORK },
  "tests/ipblockstest -> tests/ipblockstest_4": { reason: HOST_NETWORK, workloads: IPBLOCKSTEST_HOST_NETWORK },
  "tests/multiple_topology_resources_1 -> tests/multiple_topology_resources_2": {
    reason: HOST_NETWORK,
    workloads: BANK_HOST_NETWORK,
  },
  "tests/semanticDiff-same-topologies-old1 -> tests/semanticDiff-same-topologies-new1": {
    reason: HOST_NETWORK,
    workloads: BANK_HOST_NETWORK,
  },
  "tests/semanticDiff-same-topologies-old1 -> tests/semanticDiff-same-topologies-new1a": {
    reason: HOST_NETWORK,
    workloads: BANK_HOST_NETWORK,
  },
  "tests/semanticDiff-same-topologies-old2 -> tests/semanticDiff-same-topologies-new2": {
    reason: HOST_NETWORK,
    workloads: BANK_HOST_NETWORK,
  },
  "tests/semanticDiff-same-topologies-old1 -> tests/semanticDiff-different-topologies-policy-a": {
    reason: HOST_NETWORK,
    workloads: BANK_HOST_NETWORK,
  },
  "tests/k8s_ingress_test -> tests/k8s_ingress_test_new": {
    reason:
      "the new Ingress rule sends /unicorn to Service unicorn port number 8080, but the Service has only port 5000 (targetPort 8080); " +
      "an Ingress backend's port.number names a Service port, so the controller has no endpoint for it (we report the Ingress as broken), " +
      "while np-guard also matches the number against targetPort",
    workloads: [],
    edges: ["{ingress-controller} => default/Deployment/unicorn"],
  },
  "tests/acs-security-demos -> tests/acs-security-demos-added-workloads": {
    reason:
      "in the head, frontend/webapp, payments/gateway and payments/visa-processor-v2 deployment.yaml indent a line of a flow sequence " +
      "(`args: [ ... ]`) with a tab, which YAML 1.2 does not allow (s-flow-line-prefix needs spaces): our parser reports an error " +
      "and skips those documents, so the three Deployments are missing in the head; go-yaml (np-guard, kubectl) accepts the tab",
    workloads: ["frontend/Deployment/webapp", "payments/Deployment/gateway", "payments/Deployment/visa-processor-v2"],
  },
  "tests/only_pods_test -> tests/udn_test_1": {
    reason:
      "OVN-Kubernetes primary UserDefinedNetworks (np-guard's --multiple-networks) are not modelled: we read every pod on the " +
      "cluster's pod network, so the isolation of namespaces blue and green on their own primary UDNs is not seen",
    workloads: ["blue/Pod/webserver", "green/Pod/webserver"],
  },
};

/**
 * Cases run through the built CLI as a process: an Ingress and a workload added (with a known
 * difference), workloads added and removed, IP blocks re-split (with hostNetwork), admin tiers, and an
 * empty diff. None has a Route, nor a pod port reached through an unchanged entry besides a changed one.
 */
const CLI_CASES = new Set<string>([
  "tests/k8s_ingress_test -> tests/k8s_ingress_test_new",
  "tests/onlineboutique_workloads -> tests/onlineboutique_workloads_changed_workloads",
  "tests/ipblockstest -> tests/ipblockstest_2",
  "tests/anp_test_4 -> tests/anp_test_4_with_priority_chang_pass_to_banp",
  "tests/with_end_port_example -> tests/with_end_port_example_new",
]);

const config: Config = {
  ...defaultConfig(),
  "ingress-controller": { namespace: CONTROLLER_NAMESPACE, "pod-labels": {} },
};
const exposureFn: ExposureFn = (cluster, cfg) =>
  computeExposure(cluster, {
    ...exposureOptions(cfg),
    openshiftRouter: { namespace: CONTROLLER_NAMESPACE, podLabels: {} },
  });

function inProcess(c: DiffCase): DiffCanonical {
  const options = { defaultNamespace: config["default-namespace"], globs: config.paths };
  const result = diffClusters(
    loadSide(path.join(ORACLE, c.dir1), options),
    loadSide(path.join(ORACLE, c.dir2), options),
    config,
    exposureFn,
  );
  const json = JSON.parse(JSON.stringify(diffJson(result))) as DiffJson;
  return canonicalFromDiffJson(json, JSON.parse(JSON.stringify(result.exposure)));
}

let configFile = "";

function viaCli(c: DiffCase): DiffCanonical {
  const args = [
    CLI,
    "diff",
    "--base",
    path.join(ORACLE, c.dir1),
    "--head",
    path.join(ORACLE, c.dir2),
    "--format",
    "json",
    "--config",
    configFile,
    "--fail-on",
    "none",
  ];
  const run = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  expect(run.error).toBeUndefined();
  expect(run.status, `reachdiff exited ${run.status}: ${run.stderr}`).toBe(0);
  return canonicalFromDiffJson(JSON.parse(run.stdout) as DiffJson);
}

function selectCases(): DiffCase[] {
  const all = JSON.parse(readFileSync(path.join(ORACLE, "cases.json"), "utf8")) as DiffCase[];
  return all.filter((c) => c.kind === "diff" && c.format === "txt");
}

const present = existsSync(path.join(ORACLE, "cases.json"));
if (!present) console.warn(`np-guard oracle not found at ${ORACLE}: the np-guard diff suite is skipped`);

describe.skipIf(!present)("diff agrees with np-guard diff goldens", () => {
  const cases = present ? selectCases() : [];
  let tmp = "";

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "reachdiff-npguard-diff-"));
    configFile = path.join(tmp, "reachdiff.yml");
    writeFileSync(configFile, `ingress-controller:\n  namespace: ${CONTROLLER_NAMESPACE}\n`);
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("selects the 46 diff txt cases", () => {
    expect(cases).toHaveLength(46);
    for (const k of [...Object.keys(KNOWN_DIFFERENCES), ...CLI_CASES]) expect(cases.map(caseName)).toContain(k);
  });

  for (const c of cases) {
    const name = caseName(c);
    const cli = CLI_CASES.has(name);
    it(`${name}${cli ? " (CLI)" : ""}`, () => {
      const ours = cli ? viaCli(c) : inProcess(c);
      const theirs = canonicalFromNpGuardDiffTxt(readFileSync(path.join(ORACLE, c.expected), "utf8"));
      const differences = compareDiffCanonical(theirs, ours);
      const known = KNOWN_DIFFERENCES[name];
      const explained = known ? differences.filter((d) => explains(known, d)) : [];
      const unexplained = known ? differences.filter((d) => !explains(known, d)) : differences;
      if (known)
        expect(
          explained.length,
          `listed in KNOWN_DIFFERENCES (${known.reason}) but now agrees with np-guard on ${[...known.workloads, ...(known.edges ?? [])].join(", ")}: remove the entry`,
        ).toBeGreaterThan(0);
      const more = unexplained.length > 60 ? `\n  ... and ${unexplained.length - 60} more` : "";
      expect(
        unexplained.length,
        `${name} differs from ${c.expected}${known ? " (beyond its known difference)" : ""}:\n  ${unexplained.slice(0, 60).join("\n  ")}${more}`,
      ).toBe(0);
    });
  }
});
