// NetworkPolicy peers (reference section 5, "Peers").
import { describe, expect, it } from "vitest";
import { fixture, into, outOf } from "../helpers/engine.js";

describe("peers", () => {
  const c = fixture("peers/namespaces-and-pods.yaml");

  it("podSelector alone means pods of the policy's own namespace", () => {
    expect(into(c, "srv/Pod/same-ns")).toEqual(["srv/Pod/client: all ports"]);
  });

  it("namespaceSelector alone means every pod of the matching namespaces", () => {
    expect(into(c, "srv/Pod/by-ns")).toEqual(["team-a/Pod/client: all ports", "team-a/Pod/other: all ports"]);
  });

  it("namespaceSelector and podSelector in one peer are ANDed", () => {
    expect(into(c, "srv/Pod/and")).toEqual(["team-a/Pod/client: all ports"]);
  });

  it("two peers are ORed", () => {
    expect(into(c, "srv/Pod/or")).toEqual([
      "srv/Pod/client: all ports",
      "team-a/Pod/client: all ports",
      "team-a/Pod/other: all ports",
    ]);
  });

  it("`{}` selectors select everything, but namespaceSelector: {} does not include outside addresses", () => {
    const e = fixture("peers/empty-selectors.yaml");
    expect(into(e, "a/Pod/client")).toEqual([
      "a/Pod/client: all ports",
      "a/Pod/other: all ports",
      "b/Pod/client: all ports",
      "b/Pod/other: all ports",
    ]);
    // podSelector: {} without namespaceSelector: the policy's namespace only.
    expect(into(e, "a/Pod/other")).toEqual(["a/Pod/client: all ports", "a/Pod/other: all ports"]);
    // namespaceSelector: {} with a podSelector: those pods in every namespace.
    expect(into(e, "b/Pod/other")).toEqual(["a/Pod/client: all ports", "b/Pod/client: all ports"]);
    expect(into(e, "b/Pod/client")).toEqual(["a/Pod/client: all ports", "b/Pod/client: all ports"]);
  });

  it("`ingress: [{}]` allows everything; `ingress: []` and no ingress at all deny everything", () => {
    const e = fixture("peers/allow-all-deny-all.yaml");
    expect(into(e, "z/Pod/open")).toEqual([
      "ip:0.0.0.0/0: all ports",
      "z/Pod/closed: all ports",
      "z/Pod/open: all ports",
      "z/Pod/sealed: all ports",
    ]);
    expect(outOf(e, "z/Pod/open")).toEqual(["ip:0.0.0.0/0: all ports", "z/Pod/open: all ports"]);
    expect(into(e, "z/Pod/closed")).toEqual([]);
    expect(into(e, "z/Pod/sealed")).toEqual([]);
    expect(e.networkPolicies.map((p) => [p.name, p.policyTypes.ingress, p.ingress.length])).toEqual([
      ["allow-all", true, 1],
      ["deny-all", true, 0],
      ["bare", true, 0],
    ]);
  });

  it("a rule without from (or with from: []) admits every source, pods of any namespace and addresses", () => {
    const e = fixture("peers/rule-parts.yaml");
    const everyone = (conns: string) =>
      ["ip:0.0.0.0/0", "r/Pod/client", "r/Pod/empty-from", "r/Pod/no-from", "r/Pod/no-ports", "r2/Pod/client"].map(
        (s) => `${s}: ${conns}`,
      );
    expect(into(e, "r/Pod/no-from")).toEqual(everyone("TCP 80"));
    expect(into(e, "r/Pod/empty-from")).toEqual(everyone("TCP 81"));
  });

  it("a rule without ports allows every port of every protocol", () => {
    const e = fixture("peers/rule-parts.yaml");
    expect(into(e, "r/Pod/no-ports")).toEqual(["r/Pod/client: all ports"]);
  });

  it("matchExpressions: In, NotIn, Exists, DoesNotExist", () => {
    const e = fixture("peers/match-expressions.yaml");
    const from = (to: string) => into(e, `mx/Pod/${to}`).map((s) => s.replace(/^mx\/Pod\/|: all ports$/g, ""));
    expect(from("t-in")).toEqual(["backend", "frontend"]);
    // NotIn also matches pods that do not have the key at all.
    expect(from("t-notin")).toEqual([
      "backend",
      "frontend",
      "t-doesnotexist",
      "t-exists",
      "t-in",
      "t-notin",
      "untiered",
    ]);
    expect(from("t-exists")).toEqual(["backend", "cache", "frontend"]);
    expect(from("t-doesnotexist")).toEqual(["t-doesnotexist", "t-exists", "t-in", "t-notin", "untiered"]);
  });

  it("namespaces get kubernetes.io/metadata.name whether declared or only referenced, and nothing else when undeclared", () => {
    const e = fixture("peers/namespace-labels.yaml");
    expect(e.namespaces.get("declared")!.labels).toEqual({ env: "prod", "kubernetes.io/metadata.name": "declared" });
    expect(e.namespaces.get("undeclared")!.labels).toEqual({ "kubernetes.io/metadata.name": "undeclared" });
    expect(e.namespaces.get("undeclared")!.source).toBeUndefined();
    expect(e.namespaces.get("spoof")!.labels).toEqual({ "kubernetes.io/metadata.name": "spoof" });
    expect(into(e, "srv/Pod/by-name-undeclared")).toEqual(["undeclared/Pod/p: all ports"]);
    expect(into(e, "srv/Pod/by-name-declared")).toEqual(["declared/Pod/p: all ports"]);
    expect(into(e, "srv/Pod/by-env")).toEqual(["declared/Pod/p: all ports"]);
  });
});
