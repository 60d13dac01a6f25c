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

describe(`${RULE}: calibrated by sources and nodes`, () => {
  const before = docs(db, service("shop", "db", { port: 5432 }));
  const lb = (options: Parameters<typeof service>[2] = {}) =>
    docs(db, service("shop", "db", { port: 5432, type: "LoadBalancer", ...options }));

  it("fires at most high for an office /24, naming the range (not 'the internet')", () => {
    const hits = findingsOf(RULE, before, lb({ sourceRanges: ["203.0.113.0/24"], nodePorts: false }));
    expect(hits.map((h) => [h.severity, h.messageId])).toEqual([["high", "exposedRanges"]]);
    expect(hits[0].message).toContain("203.0.113.0/24");
    expect(hits[0].message).not.toContain("internet");
  });

  it("fires critical for public ranges as wide as exposure.internet-min-prefix", () => {
    const wide = lb({ sourceRanges: ["203.0.0.0/16"], nodePorts: false });
    expect(findingsOf(RULE, before, wide).map((h) => [h.severity, h.messageId])).toEqual([["critical", "exposed"]]);
    const stricter = findingsOf(RULE, before, wide, {
      exposure: { "internet-min-prefix": 12, "internet-min-prefix-v6": 48, nodes: "unknown" },
    });
    expect(stricter.map((h) => [h.severity, h.messageId])).toEqual([["high", "exposedRanges"]]);
  });

  it("words node ports as a condition while exposure.nodes is unknown, at most high", () => {
    const hits = findingsOf(RULE, before, lb()).map((h) => [h.severity, h.messageId]);
    expect(hits).toEqual(
      expect.arrayContaining([
        ["critical", "exposed"],
        ["high", "exposedIfPublicNodes"],
      ]),
    );
    expect(hits).toHaveLength(2);
  });

  it("judges node ports by exposure.nodes: public is the internet, private is not", () => {
    const nodes = (value: "public" | "private") => ({
      exposure: { "internet-min-prefix": 16, "internet-min-prefix-v6": 48, nodes: value },
    });
    const nodePort = docs(db, service("shop", "db", { port: 5432, type: "NodePort", nodePort: 30432 }));
    expect(findingsOf(RULE, before, nodePort, nodes("public")).map((h) => [h.severity, h.messageId])).toEqual([
      ["critical", "exposed"],
    ]);
    expect(findingsOf(RULE, before, nodePort, nodes("private"))).toEqual([]);
  });
});

describe(`${RULE}: ports published on the nodes`, () => {
  const redis = (port: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis, namespace: cache}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers: [{name: redis, image: redis:7, ports: [${port}]}]`;

  it("fires for a Redis published with hostPort 6379, at most high while exposure.nodes is unknown", () => {
    const hits = findingsOf(RULE, redis("{containerPort: 6379}"), redis("{containerPort: 6379, hostPort: 6379}"));
    expect(hits.map((h) => [h.severity, h.messageId, h.objects])).toEqual([
      ["high", "exposedIfPublicNodes", ["cache/Deployment/redis", "cache/Deployment/redis"]],
    ]);
    expect(hits[0].message).toContain("HostPort :6379");
  });

  it("does not fire for the same Redis without hostPort", () => {
    expect(findingsOf(RULE, "", redis("{containerPort: 6379}"))).toEqual([]);
  });
});
