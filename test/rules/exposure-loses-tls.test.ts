import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, INGRESS_CONTROLLER, service } from "./harness.js";
import { ingress } from "./ingress.js";

const RULE = "exposure-loses-tls";
const app = docs(INGRESS_CONTROLLER, deployment("shop", "web"), service("shop", "web"));

describe(RULE, () => {
  it("fires when an Ingress host leaves the tls section", () => {
    const hits = findingsOf(
      RULE,
      docs(app, ingress("shop", "shop", { tls: true })),
      docs(app, ingress("shop", "shop", { tls: false })),
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].objects).toEqual(expect.arrayContaining(["shop/Ingress/shop", "shop/Deployment/web"]));
  });

  it("does not fire when TLS stays, nor when TLS is added", () => {
    const tls = docs(app, ingress("shop", "shop", { tls: true }));
    expect(findingsOf(RULE, tls, tls)).toEqual([]);
    expect(findingsOf(RULE, docs(app, ingress("shop", "shop")), tls)).toEqual([]);
  });
});
