import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, service } from "./harness.js";

const RULE = "new-nodeport";
const web = deployment("shop", "web");

describe(RULE, () => {
  it("fires for a new NodePort Service, naming its node port", () => {
    const hits = findingsOf(
      RULE,
      docs(web, service("shop", "web")),
      docs(web, service("shop", "web", { type: "NodePort", nodePort: 30080 })),
    );
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/Service/web"]);
    expect(hits[0].message).toContain("30080");
  });

  it("does not fire for a ClusterIP Service, nor for a node port that was already open", () => {
    expect(findingsOf(RULE, web, docs(web, service("shop", "web")))).toEqual([]);
    const both = docs(web, service("shop", "web", { type: "NodePort", nodePort: 30080 }));
    expect(findingsOf(RULE, both, both)).toEqual([]);
  });
});
