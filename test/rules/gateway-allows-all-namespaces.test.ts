import { describe, expect, it } from "vitest";
import { docs, findingsOf, namespace } from "./harness.js";

const RULE = "gateway-allows-all-namespaces";
const gateway = (from: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: infra}
spec:
  gatewayClassName: external
  listeners:
    - name: http
      protocol: HTTP
      port: 80
      allowedRoutes: {namespaces: {from: ${from}}}`;

describe(RULE, () => {
  it("fires when a listener starts accepting routes from every namespace", () => {
    const hits = findingsOf(RULE, docs(namespace("infra"), gateway("Same")), docs(namespace("infra"), gateway("All")));
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["infra/Gateway/public"]);
    expect(hits[0].message).toContain("http");
  });

  it("does not fire for from: Same, nor for a listener that already allowed All", () => {
    expect(findingsOf(RULE, namespace("infra"), docs(namespace("infra"), gateway("Same")))).toEqual([]);
    const all = docs(namespace("infra"), gateway("All"));
    expect(findingsOf(RULE, all, all)).toEqual([]);
  });
});
