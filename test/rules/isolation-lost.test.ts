import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "isolation-lost";
const app = docs(namespace("shop"), deployment("shop", "web"));

describe(RULE, () => {
  it("fires when the namespace's default-deny is removed", () => {
    const hits = findingsOf(RULE, docs(app, lockedDown("shop")), app);
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(expect.arrayContaining(["shop/Deployment/web", "shop/NetworkPolicy/default-deny"]));
    expect(hits[0].message).toContain("ingress and egress");
  });

  it("fires when a Calico GlobalNetworkPolicy default deny is removed; not when its tier passes what it leaves", () => {
    const gnp = `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: default-deny}
spec:
  selector: projectcalico.org/namespace == 'shop'
  types: [Ingress]`;
    const calico = { network: { cni: "calico" as const, mesh: "none" as const } };
    const hits = findingsOf(RULE, docs(app, gnp), app, calico);
    expect(hits.map((h) => h.message)).toEqual([
      "shop/Deployment/web is no longer isolated for ingress (after changes to GlobalNetworkPolicy/default-deny)",
    ]);
    const passing = `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: team}
spec: {order: 100, defaultAction: Pass}`;
    const inTeam = gnp.replace("spec:", "spec:\n  tier: team");
    expect(findingsOf(RULE, docs(app, inTeam, passing), docs(app, passing), calico)).toEqual([]);
  });

  it("does not fire when the workload stays isolated, nor when it never was", () => {
    const locked = docs(app, lockedDown("shop"));
    expect(findingsOf(RULE, locked, locked)).toEqual([]);
    expect(findingsOf(RULE, app, app)).toEqual([]);
  });
});
