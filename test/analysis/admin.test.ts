// AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy (reference section 6).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Cluster } from "../../src/model/types.js";
import { loadSnapshot } from "../../src/snapshot.js";
import { diags, FIXTURES, into, outOf, ROOT } from "../helpers/engine.js";

const scenario = (name: string): Cluster =>
  loadSnapshot([join(FIXTURES, "admin/common-pods.yaml"), join(FIXTURES, `admin/${name}.yaml`)], { displayRoot: ROOT });

describe("admin tier", () => {
  it("evaluates AdminNetworkPolicies by priority (lower first), Allow and Deny final even over a NetworkPolicy", () => {
    const c = scenario("priority");
    expect(diags(c)).toEqual([]);
    expect(into(c, "srv/Pod/web")).toEqual([
      // Priority 10 allows TCP 80 from team-b, priority 20 denies the rest; the NetworkPolicy
      // deny-all of srv cannot take the Allow back.
      "team-b/Pod/client: TCP 80",
    ]);
  });

  it("takes the first matching rule within a policy", () => {
    const c = scenario("priority");
    expect(into(c, "srv/Pod/api")).toEqual([
      "team-a/Pod/client: TCP 1-442,444-65535; UDP all; SCTP all",
      "team-b/Pod/client: TCP 80",
    ]);
  });

  it("Pass skips the remaining admin rules and falls to the NetworkPolicy when one selects the pod, else to the baseline", () => {
    const c = scenario("pass");
    expect(diags(c)).toEqual([]);
    // web: selected by a NetworkPolicy admitting team-a on 8080; team-c passes and the NetworkPolicy
    // does not admit it; the baseline's Allow 3000 does not apply to web.
    expect(into(c, "srv/Pod/web")).toEqual(["team-a/Pod/client: TCP 8080"]);
    // api: no NetworkPolicy: the baseline allows team-a 3000 and denies every pod of every namespace,
    // but not outside addresses (namespaces: {} selects pods only).
    expect(into(c, "srv/Pod/api")).toEqual(["ip:0.0.0.0/0: all ports", "team-a/Pod/client: TCP 3000"]);
  });

  it("applies the baseline per direction: a NetworkPolicy of type Ingress leaves egress to the baseline", () => {
    const c = scenario("pass");
    expect(outOf(c, "srv/Pod/web")).toEqual([
      "ip:0.0.0.0/0: all ports",
      "team-a/Pod/client: all ports",
      "team-b/Pod/client: all ports",
    ]);
    expect(outOf(c, "srv/Pod/api")).toEqual([
      "ip:0.0.0.0/0: all ports",
      "team-a/Pod/client: all ports",
      "team-b/Pod/client: all ports",
    ]);
  });

  it("resolves namedPort per destination pod and opens portRange ranges", () => {
    const c = scenario("ports");
    expect(into(c, "srv/Pod/web").filter((e) => e.startsWith("team-a"))).toEqual([
      "team-a/Pod/client: TCP 8080; UDP 30000-30100",
    ]);
    expect(into(c, "srv/Pod/api").filter((e) => e.startsWith("team-a"))).toEqual([
      "team-a/Pod/client: TCP 3000; UDP 30000-30100",
    ]);
    expect(c.adminPolicies[0].ingress[0].ports).toEqual([
      { type: "named", name: "http" },
      { type: "numbers", protocol: "UDP", ports: expect.objectContaining({ ranges: [[30000, 30100]] }) },
    ]);
  });

  it("reads ClusterNetworkPolicy v1alpha2: tiers Admin and Baseline, Accept/Deny/Pass, protocols", () => {
    const c = scenario("cluster-network-policy");
    expect(diags(c)).toEqual([]);
    expect(c.adminPolicies.map((p) => [p.id, p.tier, p.priority])).toEqual([
      ["ClusterNetworkPolicy/admin-web", "admin", 10],
      ["ClusterNetworkPolicy/baseline-servers", "baseline", 0],
    ]);
    // team-a: TCP 443, UDP 5000-5010 and the metrics named port (9090) accepted, the rest denied.
    // team-b: SCTP passes to the baseline (which accepts SCTP 9899), everything else is denied.
    expect(into(c, "srv/Pod/web").filter((e) => e.startsWith("team-"))).toEqual([
      "team-a/Pod/client: TCP 443,9090; UDP 5000-5010",
      "team-b/Pod/client: SCTP 9899",
    ]);
    // api is no admin subject: only the baseline applies.
    expect(into(c, "srv/Pod/api").filter((e) => e.startsWith("team-"))).toEqual([
      "team-a/Pod/client: all ports",
      "team-b/Pod/client: SCTP 9899",
    ]);
  });

  it("matches egress `networks` against outside addresses, and 0.0.0.0/0 against pods too", () => {
    const c = scenario("networks");
    // Allow 10.0.0.0/8, allow team-a, deny 0.0.0.0/0: every other pod IP is in 0.0.0.0/0.
    expect(outOf(c, "srv/Pod/web")).toEqual(["ip:10.0.0.0/8: all ports", "team-a/Pod/client: all ports"]);
    expect(outOf(c, "srv/Pod/api")).toEqual(["ip:10.0.0.0/8: all ports", "team-a/Pod/client: all ports"]);
  });
});
