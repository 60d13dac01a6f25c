import { describe, expect, it } from "vitest";
import { analyse, deployment, docs, findingsOf, lockedDown, namespace } from "./harness.js";

const RULE = "workload-renamed";
// shop has no NetworkPolicy: every workload reaches every other one.
const open = (names: Record<string, string>) =>
  docs(namespace("shop"), ...Object.entries(names).map(([app, name]) => deployment("shop", name, { app })));
// In a locked-down shop: api may reach web on the ports given (its egress and web's ingress).
const apiToWeb = (ports: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: ${ports}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: web}}}]
      ports: ${ports}`;
const allowFromApi = apiToWeb("[{port: 8080}]");

describe(RULE, () => {
  it("fires once per renamed workload, and their connections are no findings", () => {
    const base = open({ web: "web", api: "api", db: "db" });
    const head = open({ web: "frontend", api: "backend", db: "db" });
    const all = analyse(base, head);
    expect(all.map((f) => f.rule)).toEqual([RULE, RULE]);
    expect(all.map((f) => f.message).sort()).toEqual([
      "shop/Deployment/api was renamed shop/Deployment/backend: the same 7 connections under the new name",
      "shop/Deployment/web was renamed shop/Deployment/frontend: the same 7 connections under the new name",
    ]);
    expect(all[0].severity).toBe("info");
  });

  it("fires for a rename that also changes a connection, and the change is still found", () => {
    const base = docs(namespace("shop"), lockedDown("shop"), deployment("shop", "web"), deployment("shop", "api"));
    const wider = apiToWeb("[{port: 8080}, {port: 9090}]");
    const head = docs(
      namespace("shop"),
      lockedDown("shop"),
      deployment("shop", "frontend", { app: "web" }),
      deployment("shop", "api"),
      wider,
    );
    const all = analyse(docs(base, allowFromApi), head);
    expect(all.filter((f) => f.rule === RULE).map((f) => f.message)).toEqual([
      "shop/Deployment/web was renamed shop/Deployment/frontend: the same 0 connections under the new name, 1 changed",
    ]);
    const gained = all.filter((f) => f.rule === "new-connection");
    expect(gained.map((f) => f.message)).toEqual([
      "shop/Deployment/api can now reach shop/Deployment/frontend on TCP 9090",
    ]);
    expect(all.filter((f) => f.rule === "connections-removed")).toEqual([]);
  });

  it("does not fire for an unrelated workload that replaced another: its pods listen on other ports", () => {
    const base = open({ web: "web", api: "api", db: "db" });
    const head = docs(open({ web: "web", api: "api" }), deployment("shop", "cache", { port: 6379 }));
    expect(findingsOf(RULE, base, head)).toEqual([]);
    // The same replacement listening on the same port reads as a rename.
    const alike = docs(open({ web: "web", api: "api" }), deployment("shop", "cache"));
    expect(findingsOf(RULE, base, alike).map((f) => f.message)).toEqual([
      "shop/Deployment/db was renamed shop/Deployment/cache: the same 7 connections under the new name",
    ]);
  });

  it("does not fire when the added workload talks to other peers", () => {
    const base = docs(
      namespace("shop"),
      lockedDown("shop"),
      deployment("shop", "web"),
      deployment("shop", "api"),
      allowFromApi,
    );
    const head = docs(
      namespace("shop"),
      lockedDown("shop"),
      deployment("shop", "reports"),
      deployment("shop", "api"),
      allowFromApi,
    );
    expect(findingsOf(RULE, base, head)).toEqual([]);
    expect(findingsOf("used-flow-lost", base, head).map((f) => f.message)).toEqual([
      "shop/Deployment/api can no longer reach shop/Deployment/web on TCP 8080, which a policy rule naming them allowed",
    ]);
  });

  it("does not fire for a workload moved to another namespace", () => {
    const base = docs(open({ web: "web", api: "api" }), namespace("tools"));
    const head = docs(open({ api: "api" }), namespace("tools"), deployment("tools", "web"));
    expect(findingsOf(RULE, base, head)).toEqual([]);
  });
});
