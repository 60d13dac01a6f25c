// Oracle test: `reachdiff reach --format json` on the np-guard (netpol-analyzer) test manifests,
// against netpol-analyzer's `list -o txt` goldens. Both sides are normalised by test/helpers/npguard.ts
// (workload ids, connection strings, IP space as a function of the address).
//
// Most cases run the command's code in-process (loadSnapshot + computeConnectivity + reachJson, what
// `reach` calls, with its default options); the cases in CLI_CASES run the built command as a process
// (build/src/cli/main.js, made by `npm test`), so that the command itself stays covered.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { computeConnectivity } from "../../src/analysis/reach.js";
import { reachJson } from "../../src/report/reach-report.js";
import { loadSnapshot } from "../../src/snapshot.js";
import {
  canonicalFromNpGuardTxt,
  canonicalFromReachJson,
  compareCanonical,
  type ReachJsonEdge,
} from "../helpers/npguard.js";
import {
  BANK_HOST_NETWORK,
  HOST_NETWORK,
  involves,
  IPBLOCKSTEST_HOST_NETWORK,
  type KnownDifference,
} from "../helpers/npguard-known.js";

const ORACLE = path.resolve("..", "shared", "oracle", "np-guard");
const CLI = path.resolve("build", "src", "cli", "main.js");

interface OracleCase {
  kind: string;
  input: string;
  format: string;
  flags: string[];
  expected: string;
}

/**
 * Cases where we differ from netpol-analyzer on purpose, with the reason. Each entry is asserted to
 * still differ, so the list cannot go stale, and to agree everywhere else.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
  "tests/ipblockstest": { reason: HOST_NETWORK, workloads: IPBLOCKSTEST_HOST_NETWORK },
  "tests/ipblockstest_2": { reason: HOST_NETWORK, workloads: IPBLOCKSTEST_HOST_NETWORK },
  "tests/ipblockstest_3": { reason: HOST_NETWORK, workloads: IPBLOCKSTEST_HOST_NETWORK },
  "tests/ipblockstest_4": { reason: HOST_NETWORK, workloads: IPBLOCKSTEST_HOST_NETWORK },
  "tests/multiple_topology_resources_1": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/multiple_topology_resources_2": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/semanticDiff-same-topologies-old1": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/semanticDiff-same-topologies-old2": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/semanticDiff-same-topologies-old3": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/semanticDiff-same-topologies-new1": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/semanticDiff-same-topologies-new1a": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/semanticDiff-same-topologies-new2": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/semanticDiff-same-topologies-new3": { reason: HOST_NETWORK, workloads: BANK_HOST_NETWORK },
  "tests/netpol_named_port_test_2": {
    reason:
      "Deployment pod-a has a container port written `containerport: 3535` (wrong case), so containerPort is missing; " +
      "the API server refuses the Deployment (containerPort is required, 1-65535), so we skip it with an error diagnostic. " +
      "np-guard reads it with port 0.",
    workloads: ["helloworld/Deployment/pod-a"],
  },
};

/** Cases run through the built CLI as a process: IP blocks and hostNetwork, named ports, admin tiers, namespaces, a skipped object. */
const CLI_CASES = new Set([
  "tests/ipblockstest",
  "tests/test_with_named_ports",
  "tests/anp_banp_blog_demo",
  "tests/acs-security-demos",
  "tests/netpol_named_port_test_2",
]);

/** `reachdiff reach <dir> --format json`, as a process or in-process (the same functions, the same defaults). */
function reach(dir: string, viaCli: boolean): { edges: ReachJsonEdge[] } {
  if (viaCli) {
    const run = spawnSync(process.execPath, [CLI, "reach", dir, "--format", "json"], {
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    expect(run.error).toBeUndefined();
    expect(run.status, `reachdiff exited ${run.status}: ${run.stderr}`).toBe(0);
    return JSON.parse(run.stdout);
  }
  const cluster = loadSnapshot([dir], { defaultNamespace: "default" });
  return JSON.parse(JSON.stringify(reachJson(computeConnectivity(cluster), cluster)));
}

function selectCases(): OracleCase[] {
  const all = JSON.parse(readFileSync(path.join(ORACLE, "cases.json"), "utf8")) as OracleCase[];
  return all.filter(
    (c) =>
      c.kind === "connlist" &&
      c.format === "txt" &&
      JSON.stringify(c.flags) ===
        JSON.stringify(["list", "--dirpath", c.input, "-o", "txt", "--multiple-networks=false"]),
  );
}

const present = existsSync(path.join(ORACLE, "cases.json"));
if (!present) console.warn(`np-guard oracle not found at ${ORACLE}: the np-guard reach suite is skipped`);

describe.skipIf(!present)("reach agrees with np-guard connlist goldens", () => {
  const cases = present ? selectCases() : [];
  const ingressControllerCases = new Map<string, number>();

  it("selects the 104 connlist txt cases", () => {
    expect(cases).toHaveLength(104);
    for (const k of [...Object.keys(KNOWN_DIFFERENCES), ...CLI_CASES]) expect(cases.map((c) => c.input)).toContain(k);
  });

  for (const c of cases) {
    const viaCli = CLI_CASES.has(c.input);
    it(`${c.input}${viaCli ? " (CLI)" : ""}`, () => {
      const dir = path.join(ORACLE, c.input);
      const ours = canonicalFromReachJson(reach(dir, viaCli));
      const theirs = canonicalFromNpGuardTxt(readFileSync(path.join(ORACLE, c.expected), "utf8"));
      if (theirs.ingressControllerLines) ingressControllerCases.set(c.input, theirs.ingressControllerLines);
      const differences = compareCanonical(theirs, ours);
      const known = KNOWN_DIFFERENCES[c.input];
      const explained = known ? differences.filter((d) => involves(d, known.workloads)) : [];
      const unexplained = known ? differences.filter((d) => !involves(d, known.workloads)) : differences;
      if (known)
        expect(
          explained.length,
          `listed in KNOWN_DIFFERENCES (${known.reason}) but now agrees with np-guard on ${known.workloads.join(", ")}: remove the entry`,
        ).toBeGreaterThan(0);
      const more = unexplained.length > 60 ? `\n  ... and ${unexplained.length - 60} more` : "";
      expect(
        unexplained.length,
        `${c.input} differs from ${c.expected}${known ? " (beyond its known difference)" : ""}:\n  ${unexplained.slice(0, 60).join("\n  ")}${more}`,
      ).toBe(0);
    });
  }

  afterAll(() => {
    if (!ingressControllerCases.size) return;
    const total = [...ingressControllerCases.values()].reduce((a, b) => a + b, 0);
    console.info(
      `np-guard {ingress-controller} lines (Ingress/Route exposure, not compared here): ${total} lines in ${ingressControllerCases.size} cases\n` +
        [...ingressControllerCases].map(([k, n]) => `  ${k}: ${n}`).join("\n"),
    );
  });
});
