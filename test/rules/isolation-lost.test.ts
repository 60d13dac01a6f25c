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

  it("does not fire when the workload stays isolated, nor when it never was", () => {
    const locked = docs(app, lockedDown("shop"));
    expect(findingsOf(RULE, locked, locked)).toEqual([]);
    expect(findingsOf(RULE, app, app)).toEqual([]);
  });
});
