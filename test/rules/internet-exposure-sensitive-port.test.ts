import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, service } from "./harness.js";

const RULE = "internet-exposure-sensitive-port";
const db = deployment("shop", "db", { port: 5432 });

describe(RULE, () => {
  it("fires when a Postgres port gets a public load balancer", () => {
    const hits = findingsOf(
      RULE,
      docs(db, service("shop", "db", { port: 5432 })),
      docs(db, service("shop", "db", { port: 5432, type: "LoadBalancer" })),
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].objects).toContain("shop/Deployment/db");
    expect(hits[0].message).toContain("5432");
  });

  it("does not fire for a port that is not sensitive, nor for an internal load balancer", () => {
    const web = deployment("shop", "web");
    expect(findingsOf(RULE, web, docs(web, service("shop", "web", { type: "LoadBalancer" })))).toEqual([]);
    const internal = { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" };
    expect(
      findingsOf(
        RULE,
        docs(db, service("shop", "db", { port: 5432 })),
        docs(db, service("shop", "db", { port: 5432, type: "LoadBalancer", annotations: internal, nodePorts: false })),
      ),
    ).toEqual([]);
  });
});
