import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, INGRESS_CONTROLLER, service } from "./harness.js";
import { ingress } from "./ingress.js";

const RULE = "new-entry-without-tls";
const app = docs(INGRESS_CONTROLLER, deployment("shop", "web"), service("shop", "web"));

describe(RULE, () => {
  it("fires for a new public Ingress host without TLS", () => {
    const hits = findingsOf(RULE, app, docs(app, ingress("shop", "shop")));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/Ingress/shop"]);
    expect(hits[0].message).toContain("shop.example.com");
  });

  it("does not fire for a new host with TLS, nor for a plain host that was already public", () => {
    expect(findingsOf(RULE, app, docs(app, ingress("shop", "shop", { tls: true })))).toEqual([]);
    const plain = docs(app, ingress("shop", "shop"));
    expect(findingsOf(RULE, plain, plain)).toEqual([]);
  });
});
