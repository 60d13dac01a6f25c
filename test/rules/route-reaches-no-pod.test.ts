import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, namespace, service } from "./harness.js";

const RULE = "route-reaches-no-pod";
const web = docs(namespace("shop"), deployment("shop", "web"));

describe(RULE, () => {
  it("fires when a Service's selector stops matching its pods", () => {
    const hits = findingsOf(RULE, docs(web, service("shop", "web")), docs(web, service("shop", "web", { app: "wbe" })));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/Service/web"]);
    expect(hits[0].message).toContain("app=wbe");
  });

  it("does not fire while the selector matches", () => {
    const ok = docs(web, service("shop", "web"));
    expect(findingsOf(RULE, ok, ok)).toEqual([]);
  });
});
