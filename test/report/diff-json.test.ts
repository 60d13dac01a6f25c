// diff --format json and renames: `reachability.changes` stays every connection change (the facts), the
// renames are listed, and the changes the other outputs list (a rename's same connections set aside) are
// `changesAfterRenames` when there is a rename.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { diffJson } from "../../src/report/diff-json.js";
import { diffEnvironments } from "../../src/review/environments.js";
import { diffClusters } from "../../src/review/review.js";
import { loadSide } from "../../src/snapshot.js";
import { cluster, DEMO, renamedBehindLoadBalancer } from "../helpers/report.js";
import { deployment, docs, namespace } from "../rules/harness.js";

interface Entry {
  environment?: string;
  change: string;
  from: string;
  to: string;
}
interface Json {
  exposure: { changes: unknown[]; changesAfterRenames?: unknown[] };
  reachability: {
    changes: Entry[];
    renames: { environment?: string; from: string; to: string; same: number; changed: number }[];
    changesAfterRenames?: Entry[];
  };
}
const json = (r: object) => JSON.parse(JSON.stringify(r)) as Json;
const SCENARIO = "fixtures/scenarios/renamed-workloads";

describe("diff --format json, renames", () => {
  it("keeps every connection change, lists the renames and the changes left after them", () => {
    const r = diffClusters(
      loadSide(join(SCENARIO, "base")),
      loadSide(join(SCENARIO, "head")),
      defaultConfig(),
      exposureOf,
    );
    const { reachability } = json(diffJson(r));
    // Every change, one entry per connection (the outside 0.0.0.0/0 is one CIDR): a rename's too.
    expect(reachability.changes).toHaveLength(r.connections.length);
    expect(reachability.changes).toContainEqual(
      expect.objectContaining({ change: "removed", from: "shop/Deployment/cart", to: "shop/Deployment/catalog" }),
    );
    expect(reachability.renames).toHaveLength(11);
    expect(reachability.renames).toContainEqual({
      from: "pay/Deployment/ledger",
      to: "pay/Deployment/ledger-v2",
      same: 12,
      changed: 1,
      file: "workloads.yaml",
      line: 217,
    });
    expect(reachability.changesAfterRenames).toEqual([
      expect.objectContaining({
        change: "changed",
        from: "pay/Deployment/api",
        to: "pay/Deployment/ledger-v2",
        base: { TCP: [[8080, 8080]], UDP: [], SCTP: [] },
        head: {
          TCP: [
            [8080, 8080],
            [9090, 9090],
          ],
          UDP: [],
          SCTP: [],
        },
      }),
    ]);
  });

  it("has no renames and no second list when nothing is renamed", () => {
    const r = diffClusters(loadSide(join(DEMO, "base")), loadSide(join(DEMO, "head")), defaultConfig(), exposureOf);
    const { reachability } = json(diffJson(r));
    expect(reachability.renames).toEqual([]);
    expect(reachability).not.toHaveProperty("changesAfterRenames");
    expect(reachability.changes.length).toBeGreaterThan(0);
  });

  it("names the environment of a rename when the repository deploys several", () => {
    const side = (name: string) => cluster(docs(namespace("shop"), deployment("shop", name, { app: "web" })));
    const r = diffEnvironments(
      [
        { name: "dev", base: side("web"), head: side("web-v2") },
        { name: "prod", base: side("web"), head: side("web") },
      ],
      defaultConfig(),
      exposureOf,
    );
    const { reachability } = json(diffJson(r));
    expect(reachability.renames).toEqual([
      expect.objectContaining({ environment: "dev", from: "shop/Deployment/web", to: "shop/Deployment/web-v2" }),
    ]);
    expect(reachability.changesAfterRenames).toEqual([]);
    expect(reachability.changes.every((c) => c.environment === "dev")).toBe(true);
    expect(reachability.changes.length).toBeGreaterThan(0);
  });

  it("sets a renamed workload's load balancer aside in exposure.changesAfterRenames, not in exposure.changes", () => {
    const out = json(
      diffJson(
        diffClusters(
          renamedBehindLoadBalancer("web"),
          renamedBehindLoadBalancer("web-v2"),
          defaultConfig(),
          exposureOf,
        ),
      ),
    );
    expect(out.exposure.changes.length).toBeGreaterThan(0);
    expect(out.exposure.changesAfterRenames).toEqual([]);
    expect(out.reachability.renames.map((x) => x.to)).toEqual(["shop/Deployment/web-v2"]);
  });
});
