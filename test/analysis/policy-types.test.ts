// NetworkPolicy isolation and combination (reference section 5, "Isolation and combination").
import { describe, expect, it } from "vitest";
import { edges, fixture } from "../helpers/engine.js";

describe("policyTypes defaulting and isolation", () => {
  it("ingress rules without policyTypes isolate ingress only; egress stays open", () => {
    const c = fixture("policy-types/default-ingress-only.yaml");
    expect(c.networkPolicies.find((p) => p.name === "web-ingress")!.policyTypes).toEqual({
      ingress: true,
      egress: false,
    });
    expect(edges(c)).toEqual([
      "ip:0.0.0.0/0 -> pt/Deployment/client: all ports",
      "pt/Deployment/client -> ip:0.0.0.0/0: all ports",
      "pt/Deployment/client -> pt/Deployment/client: all ports",
      // Only from client, only the rule's port; web to itself is not allowed (web is not app=client).
      "pt/Deployment/client -> pt/Deployment/web: TCP 8080",
      "pt/Deployment/web -> ip:0.0.0.0/0: all ports",
      "pt/Deployment/web -> pt/Deployment/client: all ports",
    ]);
  });

  it("egress rules without policyTypes default to [Ingress, Egress]: ingress is denied, egress limited to the rules", () => {
    const c = fixture("policy-types/egress-from-rules.yaml");
    expect(c.networkPolicies[0].policyTypes).toEqual({ ingress: true, egress: true });
    expect(edges(c)).toEqual([
      "ip:0.0.0.0/0 -> pt/StatefulSet/db: all ports",
      "pt/Deployment/api -> pt/StatefulSet/db: TCP 5432",
      "pt/StatefulSet/db -> ip:0.0.0.0/0: all ports",
      "pt/StatefulSet/db -> pt/StatefulSet/db: all ports",
    ]);
  });

  it("explicit policyTypes without Ingress ignores the ingress rules", () => {
    const c = fixture("policy-types/explicit-egress-only.yaml");
    expect(c.networkPolicies[0].policyTypes).toEqual({ ingress: false, egress: true });
    expect(edges(c)).toEqual([
      "ip:0.0.0.0/0 -> pt/Deployment/other: all ports",
      "ip:0.0.0.0/0 -> pt/Deployment/worker: all ports",
      "pt/Deployment/other -> ip:0.0.0.0/0: all ports",
      "pt/Deployment/other -> pt/Deployment/other: all ports",
      "pt/Deployment/other -> pt/Deployment/worker: all ports",
      // A rule with ports and no `to`: that port to every peer, pods and addresses alike.
      "pt/Deployment/worker -> ip:0.0.0.0/0: UDP 53",
      "pt/Deployment/worker -> pt/Deployment/other: UDP 53",
      "pt/Deployment/worker -> pt/Deployment/worker: UDP 53",
    ]);
  });

  it("unions the rules of every policy that selects the pod", () => {
    const c = fixture("policy-types/union.yaml");
    expect(edges(c)).toEqual([
      "pt/Pod/a -> ip:0.0.0.0/0: all ports",
      // from-a-443 selects every pod of the namespace.
      "pt/Pod/a -> pt/Pod/a: TCP 443",
      "pt/Pod/a -> pt/Pod/b: TCP 443",
      "pt/Pod/a -> pt/Pod/c: TCP 443",
      "pt/Pod/a -> pt/Pod/web: TCP 80,443",
      "pt/Pod/b -> ip:0.0.0.0/0: all ports",
      "pt/Pod/b -> pt/Pod/web: TCP 443",
      "pt/Pod/c -> ip:0.0.0.0/0: all ports",
      "pt/Pod/web -> ip:0.0.0.0/0: all ports",
    ]);
  });

  it("does not depend on the order of the policies", async () => {
    const { buildCluster } = await import("../../src/model/build.js");
    const { loadManifests } = await import("../../src/manifests/load.js");
    const { FIXTURES, ROOT } = await import("../helpers/engine.js");
    const objects = loadManifests([`${FIXTURES}/policy-types/union.yaml`], undefined, { displayRoot: ROOT });
    const reversed = buildCluster([...objects].reverse());
    expect(edges(reversed)).toEqual(edges(fixture("policy-types/union.yaml")));
  });

  it("needs the source's egress and the destination's ingress: the result is their intersection", () => {
    expect(edges(fixture("policy-types/both-directions.yaml"))).toEqual([
      "ip:0.0.0.0/0 -> pt/Deployment/client: all ports",
      // client's egress allows 80 and 443, web's ingress 443 and 8443.
      "pt/Deployment/client -> pt/Deployment/web: TCP 443",
      "pt/Deployment/web -> ip:0.0.0.0/0: all ports",
      "pt/Deployment/web -> pt/Deployment/client: all ports",
    ]);
  });
});
