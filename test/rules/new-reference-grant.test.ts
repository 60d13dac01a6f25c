import { describe, expect, it } from "vitest";
import { docs, findingsOf, namespace } from "./harness.js";

const RULE = "new-reference-grant";
const grant = (to: string) => `
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: from-infra, namespace: shop}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
  to: [${to}]`;

describe(RULE, () => {
  it("fires for a new ReferenceGrant, saying it grants every Service without to.name", () => {
    const hits = findingsOf(RULE, namespace("shop"), docs(namespace("shop"), grant(`{group: "", kind: Service}`)));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/ReferenceGrant/from-infra"]);
    expect(hits[0].message).toContain("every Service");
  });

  it("does not fire for a grant that was already there", () => {
    const both = docs(namespace("shop"), grant(`{group: "", kind: Service, name: web}`));
    expect(findingsOf(RULE, both, both)).toEqual([]);
  });
});
