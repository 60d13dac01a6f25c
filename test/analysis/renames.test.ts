// Renames found once before the rules judge (analysis/renames.ts), on the real analysis of a release that
// renames 25 workloads of a namespace without NetworkPolicy (each open to every pod, so their peers alone
// cannot tell them apart: they pair in the order they are written).
import { describe, expect, it } from "vitest";
import { analyzeDiff } from "../../src/analysis/analyze.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { findRenames } from "../../src/analysis/renames.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { diffClusters } from "../../src/review/review.js";
import { cluster } from "../helpers/report.js";
import { deployment, docs, namespace } from "../rules/harness.js";

const N = 25;
const names = Array.from({ length: N }, (_, i) => `svc-${String(i).padStart(2, "0")}`);
const side = (rename: (n: string) => string) =>
  cluster(docs(namespace("shop"), ...names.map((n) => deployment("shop", rename(n), { app: n }))));

describe("findRenames", () => {
  const base = side((n) => n);
  const head = side((n) => `shop-${n}`);

  it("pairs each renamed workload with its new name and sets all their connections aside", () => {
    const { facts } = analyzeDiff(base, head, defaultConfig(), exposureOf);
    expect(facts.connections.length).toBeGreaterThan(N * N);
    const { renames, connections } = findRenames(facts.connections, facts.workloads);
    expect(renames.map((r) => [r.from, r.to])).toEqual(
      names.map((n) => [`shop/Deployment/${n}`, `shop/Deployment/shop-${n}`]),
    );
    expect(renames.every((r) => r.changed === 0 && r.same > N)).toBe(true);
    expect(connections).toEqual([]);
  });

  it("leaves the findings at one per rename", () => {
    const result = diffClusters(base, head, defaultConfig(), exposureOf);
    expect(result.findings.map((f) => f.rule)).toEqual(Array(N).fill("workload-renamed"));
    expect(result.renames?.connections).toEqual([]);
    expect(result.connections.length).toBeGreaterThan(N * N);
  });

  it("finds no rename when no workload was removed", () => {
    const { facts } = analyzeDiff(
      base,
      cluster(docs(namespace("shop"), ...names.map((n) => deployment("shop", n)), deployment("shop", "extra"))),
      defaultConfig(),
      exposureOf,
    );
    expect(findRenames(facts.connections, facts.workloads).renames).toEqual([]);
  });
});
