import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, service } from "./harness.js";

const RULE = "new-internet-exposure";
const web = deployment("shop", "web");

describe(RULE, () => {
  it("fires when a web workload gets a public load balancer", () => {
    const hits = findingsOf(
      RULE,
      docs(web, service("shop", "web")),
      docs(web, service("shop", "web", { type: "LoadBalancer" })),
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].objects).toEqual(expect.arrayContaining(["shop/Deployment/web", "shop/Service/web"]));
  });

  it("does not fire for a ClusterIP Service, nor for a load balancer open only to private ranges", () => {
    expect(findingsOf(RULE, web, docs(web, service("shop", "web")))).toEqual([]);
    expect(
      findingsOf(
        RULE,
        web,
        docs(web, service("shop", "web", { type: "LoadBalancer", sourceRanges: ["10.0.0.0/8"], nodePorts: false })),
      ),
    ).toEqual([]);
  });

  it("does not fire when the exposure was already there", () => {
    const both = docs(web, service("shop", "web", { type: "LoadBalancer" }));
    expect(findingsOf(RULE, both, both)).toEqual([]);
  });
});
