// The unchanged context a diagram draws comes from the analysis: the next hops of what a change
// newly reaches, and the ways in to a new flow's client; asked pair by pair, within a budget.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagramContext } from "../../src/analysis/diagram-context.js";
import type { Connectivity } from "../../src/analysis/reach.js";
import { loadSide } from "../../src/snapshot.js";
import { bigDiff, demoResult, diff, ROOT } from "../helpers/report.js";

const pairs = (c: { connections: readonly { from: string; to: string; conns: { toString(): string } }[] }) =>
  c.connections.map((x) => `${x.from} -> ${x.to} ${x.conns}`);

describe("diagram context", () => {
  it("is what the demo's newly reached workloads reach further, unchanged", () => {
    const r = demoResult();
    expect(pairs(r.context)).toEqual([
      "shop/Deployment/api -> shop/StatefulSet/db TCP 5432",
      "shop/Deployment/web -> shop/Deployment/api TCP 9000",
    ]);
    // prometheus is a new flow's client; it has no way in from outside to show.
    expect(r.context.exposures).toEqual([]);
  });

  it("is empty when a change only removes", () => {
    const dir = join(ROOT, "fixtures/scenarios/tighten-policy");
    const r = diff(loadSide(join(dir, "base")), loadSide(join(dir, "head")));
    expect(r.connections.map((c) => c.change)).toEqual(["removed"]);
    expect(r.context).toEqual({ exposures: [], connections: [] });
  });

  it("asks at most its budget of pairs and keeps at most its budget of edges", () => {
    const r = bigDiff(3, 4);
    let asked = 0;
    const counting: Connectivity = {
      ...r.connectivity.head,
      between(from, to) {
        asked++;
        return r.connectivity.head.between(from, to);
      },
    };
    const head = { connectivity: counting, exposures: r.exposure.head };
    const small = diagramContext(r, head, { edges: 2, pairs: 10, exposures: 1 });
    expect(asked).toBeLessThanOrEqual(10);
    expect(small.connections.length).toBeLessThanOrEqual(2);
    expect(small.exposures.length).toBeLessThanOrEqual(1);
    asked = 0;
    const full = diagramContext(r, head, { edges: 1_000, pairs: 1_000_000, exposures: 1_000 });
    // Every answer equals the connectivity's, and no changed pair is repeated as context.
    const changed = new Set(r.connections.map((c) => `${c.from} ${c.to}`));
    for (const c of full.connections) {
      expect(changed.has(`${c.from} ${c.to}`)).toBe(false);
      expect(c.conns.toString()).toBe(r.connectivity.head.between(c.from, c.to).toString());
    }
  });
});
