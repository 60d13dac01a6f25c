// explain: which policy, rule and file:line allowed or denied one connection.
import { describe, expect, it } from "vitest";
import { explain, UnknownEndpoint } from "../../src/analysis/explain.js";
import { explanationText } from "../../src/report/explain-text.js";
import { fixture } from "../helpers/engine.js";

const F = "fixtures/engine/explain/shop.yaml";

describe("explain", () => {
  const c = fixture("explain/shop.yaml");

  it("names the NetworkPolicy rule and its file:line that allows a connection", () => {
    const e = explain(c, "shop/Deployment/frontend", "shop/Deployment/api");
    expect(e.allowed.toString()).toBe("TCP 8080");
    expect(e.ingress!.steps).toEqual([
      expect.objectContaining({
        direction: "ingress",
        tier: "networkpolicy",
        verdict: "allow",
        policy: "shop/NetworkPolicy/api-ingress",
        rule: "ingress rule #1",
        file: F,
        line: 42,
      }),
    ]);
    expect(explanationText(e)).toBe(
      [
        "shop/Deployment/frontend -> shop/Deployment/api: PARTLY ALLOWED",
        "  allowed: TCP 8080",
        "  egress of the source: allows all ports",
        "    - no policy decides all ports: allowed by default",
        "  ingress of the destination: allows TCP 8080",
        `    - shop/NetworkPolicy/api-ingress ingress rule #1 allows TCP 8080 (${F}:42)`,
        "",
      ].join("\n"),
    );
  });

  it("names the isolating NetworkPolicy when no rule admits the peer", () => {
    const e = explain(c, "team-x/Deployment/intruder", "shop/Deployment/api");
    expect(e.allowed.isEmpty()).toBe(true);
    expect(explanationText(e)).toBe(
      [
        "team-x/Deployment/intruder -> shop/Deployment/api: DENIED",
        "  egress of the source: allows all ports",
        "    - no policy decides all ports: allowed by default",
        "  ingress of the destination: denies",
        `    - shop/NetworkPolicy/api-ingress selects the pod but none of its rules matches this peer (${F}:36)`,
        "    (isolated by NetworkPolicy and no rule allows this traffic)",
        "",
      ].join("\n"),
    );
  });

  it("names the admin rule that denies, with its line", () => {
    const e = explain(c, "shop/Deployment/api", "team-x/Deployment/intruder");
    expect(e.allowed.isEmpty()).toBe(true);
    expect(e.egress!.steps).toEqual([
      expect.objectContaining({
        tier: "admin",
        verdict: "deny",
        policy: "AdminNetworkPolicy/no-team-x",
        rule: "deny-team-x",
        file: F,
        line: 55,
      }),
    ]);
    expect(explanationText(e)).toContain(
      `    - AdminNetworkPolicy/no-team-x rule deny-team-x (admin tier) denies all ports (${F}:55)`,
    );
  });

  it("answers for one port and for outside addresses", () => {
    const one = explain(c, "shop/Deployment/frontend", "shop/Deployment/api", { protocol: "TCP", port: 8080 });
    expect(explanationText(one).split("\n")[0]).toBe(
      "shop/Deployment/frontend -> shop/Deployment/api: ALLOWED (asked: TCP 8080)",
    );
    const outside = explain(c, "ip:203.0.113.5", "shop/Deployment/frontend");
    expect(outside.egress).toBeNull();
    expect(outside.allowed.isAll()).toBe(true);
    expect(explanationText(outside)).toContain("  egress of the source: an outside address; no policy applies");
    expect(explain(c, "ip:198.51.100.0/24", "shop/Deployment/api").allowed.isEmpty()).toBe(true);
  });

  it("refuses an unknown workload with a suggestion, and a bad address", () => {
    expect(() => explain(c, "api", "shop/Deployment/frontend")).toThrow(UnknownEndpoint);
    expect(() => explain(c, "default/Deployment/api", "shop/Deployment/frontend")).toThrow(
      "did you mean shop/Deployment/api?",
    );
    expect(() => explain(c, "ip:10.1/16", "shop/Deployment/frontend")).toThrow(UnknownEndpoint);
  });
});
