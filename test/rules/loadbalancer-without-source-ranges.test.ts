import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, service } from "./harness.js";

const RULE = "loadbalancer-without-source-ranges";
const web = deployment("shop", "web");

describe(RULE, () => {
  it("fires for a new load balancer open to every address", () => {
    const hits = findingsOf(RULE, web, docs(web, service("shop", "web", { type: "LoadBalancer" })));
    expect(hits.map((h) => h.objects)).toEqual([["shop/Service/web"]]);
  });

  it("does not fire when loadBalancerSourceRanges limit the clients, nor for an internal load balancer", () => {
    expect(
      findingsOf(
        RULE,
        web,
        docs(web, service("shop", "web", { type: "LoadBalancer", sourceRanges: ["203.0.113.0/24"] })),
      ),
    ).toEqual([]);
    const internal = { "networking.gke.io/load-balancer-type": "Internal" };
    expect(
      findingsOf(RULE, web, docs(web, service("shop", "web", { type: "LoadBalancer", annotations: internal }))),
    ).toEqual([]);
  });
});
