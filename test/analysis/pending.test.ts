// Behaviour the engine tests once found wrong in src/analysis and src/model, now fixed and kept as tests.
import { describe, expect, it } from "vitest";
import { explain } from "../../src/analysis/explain.js";
import { explanationText } from "../../src/report/explain-text.js";
import { fixture, reach } from "../helpers/engine.js";

describe("formerly pending", () => {
  it("explain names the rule that matches the peer on other ports when the asked port is denied", () => {
    const cluster = fixture("explain/shop.yaml");
    const text = explanationText(
      explain(cluster, "shop/Deployment/frontend", "shop/Deployment/api", { protocol: "TCP", port: 9090 }),
    );
    expect(text).toContain("DENIED");
    expect(text).toMatch(
      /shop\/NetworkPolicy\/api-ingress ingress rule #1 matches this peer but allows only TCP 8080 \(fixtures\/engine\/explain\/shop\.yaml:42\)/,
    );
  });

  it("a NetworkPolicy without spec.podSelector selects every pod of its namespace, with a warning", () => {
    const cluster = fixture("no-pod-selector/policy.yaml");
    expect(reach(cluster, "default/Pod/client", "other/Pod/p")).toBe("none");
    expect(cluster.networkPolicies.map((p) => p.podSelector.key)).toEqual(["{}"]);
    expect(cluster.diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([
      "warning: other/NetworkPolicy/nosel has no spec.podSelector: Kubernetes reads it as {}, so the policy selects every pod of namespace other",
    ]);
  });

  it("a live dump's pods and their ReplicaSet are one workload, without a redefinition warning", () => {
    const cluster = fixture("live-dump/pods-and-replicaset.yaml");
    expect(cluster.workloads.map((w) => w.id)).toEqual(["live/ReplicaSet/web-5d9f7c"]);
    expect(cluster.diagnostics).toEqual([]);
  });
});
