// The comment's reachability section: connection changes grouped by the changed object that causes them,
// and new workloads that nothing restricts (a namespace without NetworkPolicy) said once per namespace
// instead of one line per peer.
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { reachabilityLists } from "../../src/report/changes-markdown.js";
import { renderComment } from "../../src/report/markdown.js";
import { diffEnvironments } from "../../src/review/environments.js";
import { cluster, diff } from "../helpers/report.js";

const deployment = (name: string, ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
`;
const link = (_file: string | undefined, _line: number | undefined, as?: string) => as ?? "";
const BASE = ["a", "b", "c", "d"].map((n) => deployment(n, "shop")).join("") + deployment("t1", "tools");

describe("reachabilityLists", () => {
  it("says new workloads open to every pod once per namespace, not N×M lines", () => {
    const r = diff(cluster(BASE), cluster(BASE + deployment("e", "shop") + deployment("f", "shop")));
    const text = reachabilityLists(r.connections, 1000, link).join("\n");
    expect(text).toContain(
      "**Namespace shop: 2 new workloads open to every pod and outside address**: shop/Deployment/e, shop/Deployment/f\n\n- nothing restricts them: 26 connections on all ports, to and from 5 other workloads and outside addresses",
    );
    expect(text).not.toContain("- added: shop/Deployment/a to shop/Deployment/e");
    // What is between the new workloads themselves has both as its cause: listed.
    expect(text).toContain("- added: shop/Deployment/e to shop/Deployment/f on all ports");
  });

  it("lists the connections of a cause that opens only some peers, under that cause", () => {
    const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]
---
`;
    const r = diff(cluster(BASE + policy), cluster(BASE));
    const text = reachabilityLists(r.connections, 1000, link).join("\n");
    expect(text).toMatch(/^\*\*Because shop\/NetworkPolicy\/db was removed\*\*: \d+ connections\n\n- added: /);
    expect(text).not.toContain("open to every pod");
  });
});

describe("renamed workloads", () => {
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: isolate, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}]}]
---
`;
  const labelled = (name: string, role: string) =>
    deployment(name, "shop").replace(`labels: {app: ${name}}`, `labels: {app: ${name}, role: ${role}}`);

  it("says a rename once when the new name has exactly the old one's connections", () => {
    const r = diff(
      cluster(policy + labelled("web", "client") + labelled("api", "server")),
      cluster(policy + labelled("frontend", "client") + labelled("api", "server")),
    );
    const text = reachabilityLists(r.renames?.connections ?? [], 1000, link, r.renames?.list).join("\n");
    expect(text).toMatch(
      /^\*\*Renamed: shop\/Deployment\/web → shop\/Deployment\/frontend\*\*: the same \d+ connections? under the new name \(none gained, none lost\)/,
    );
    expect(text).not.toContain("- removed: shop/Deployment/web");
    expect(text).not.toContain("- added: shop/Deployment/frontend");
  });

  it("is no rename when the new workload reaches differently", () => {
    const r = diff(
      cluster(policy + labelled("web", "client") + labelled("api", "server")),
      cluster(policy + labelled("frontend", "server") + labelled("api", "server")),
    );
    const text = reachabilityLists(r.renames?.connections ?? [], 1000, link, r.renames?.list).join("\n");
    expect(text).not.toContain("Renamed");
    expect(text).toContain("- removed: shop/Deployment/web to shop/Deployment/api");
  });
});

describe("renames of one namespace grouped", () => {
  const shop = ["ad", "cart", "catalog", "email"];
  const base = cluster(shop.map((n) => deployment(n, "shop")).join("") + deployment("ledger", "pay"));
  const head = cluster(shop.map((n) => deployment(`shop-${n}`, "shop")).join("") + deployment("ledger-v2", "pay"));
  const r = diff(base, head);
  const rows = (text: string) => text.split("\n").filter((l) => l.startsWith("| ⬜ info |"));

  it("makes two or more renames of a namespace one row of the findings table, a single rename its own", () => {
    expect(r.findings.map((f) => f.rule)).toEqual(Array(5).fill("workload-renamed"));
    const table = rows(renderComment(r));
    expect(table).toHaveLength(2);
    const grouped = table.find((l) => l.includes("in namespace shop"))!;
    expect(grouped).toMatch(
      /^\| ⬜ info \| 4 Deployments renamed in namespace shop: ad → shop-ad, cart → shop-cart, catalog → shop-catalog and 1 more; the same \d+ connections each under the new name \| manifests\.yaml:\d+ \|$/,
    );
    expect(table.find((l) => l.includes("ledger"))).toMatch(/ledger in namespace pay was renamed ledger-v2/);
  });

  it("names every rename of the group in the reachability details, and not again as new and removed workloads", () => {
    const text = renderComment(r);
    expect(text).toMatch(
      /\*\*4 Deployments renamed in namespace shop\*\*: ad → shop-ad, cart → shop-cart, catalog → shop-catalog, email → shop-email; the same \d+ connections each under the new name \(none gained, none lost\)/,
    );
    expect(text).not.toContain("**New workloads:**");
    expect(text).not.toContain("**Removed workloads:**");
  });

  it("names them alphabetically by old name in the table and the details, whatever their file order", () => {
    const reversed = [...shop].reverse();
    const text = renderComment(
      diff(
        cluster(reversed.map((n) => deployment(n, "shop")).join("")),
        cluster(reversed.map((n) => deployment(`shop-${n}`, "shop")).join("")),
      ),
    );
    expect(rows(text)[0]).toContain(": ad → shop-ad, cart → shop-cart, catalog → shop-catalog and 1 more;");
    expect(text).toContain(": ad → shop-ad, cart → shop-cart, catalog → shop-catalog, email → shop-email;");
  });

  it("keeps renames of different environments in different rows", () => {
    const both = diffEnvironments(
      [
        { name: "dev", base, head },
        { name: "prod", base, head },
      ],
      defaultConfig(),
      exposureOf,
    );
    const table = rows(renderComment(both)).filter((l) => l.includes("in namespace shop"));
    expect(table).toHaveLength(2);
    expect(table.map((l) => l.split(" · ").at(-1))).toEqual(["dev |", "prod |"]);
  });
});
