import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, INGRESS_CONTROLLER, service } from "./harness.js";
import { ingress } from "./ingress.js";

const RULE = "wildcard-host";
const app = docs(INGRESS_CONTROLLER, deployment("shop", "web"), service("shop", "web"));

describe(RULE, () => {
  it("fires for a new Ingress rule without a host, and for a wildcard host", () => {
    const catchAll = findingsOf(RULE, app, docs(app, ingress("shop", "shop", { host: "" })));
    expect(catchAll).toHaveLength(1);
    expect(catchAll[0].message).toContain("every host");
    const wildcard = findingsOf(RULE, app, docs(app, ingress("shop", "shop", { host: "*.example.com" })));
    expect(wildcard).toHaveLength(1);
    expect(wildcard[0].message).toContain("*.example.com");
  });

  it("does not fire for an exact host", () => {
    expect(findingsOf(RULE, app, docs(app, ingress("shop", "shop", { host: "shop.example.com" })))).toEqual([]);
  });
});
