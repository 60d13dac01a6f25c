// Every diagram here is parsed by the real Mermaid (under jsdom): what GitHub would render.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { renameExposures } from "../../src/analysis/renames.js";
import { loadSide } from "../../src/snapshot.js";
import { mergeSiblings } from "../../src/report/diagram/collapse.js";
import { Graph } from "../../src/report/diagram/graph.js";
import { emit } from "../../src/report/diagram/syntax.js";
import { buildDiagram, MERMAID_MAX_CHARS, MERMAID_MAX_EDGES, renderMermaid } from "../../src/report/mermaid.js";
import {
  bigDiff,
  clusterOf,
  decodeEntities,
  DEMO,
  demoResult,
  deployment,
  diff,
  HOSTILE,
  hostileDiff,
  mermaidModel,
  namespaceObj,
  parseMermaid,
  policy,
  ROOT,
  service,
  testExposures,
} from "../helpers/report.js";

const GOLDEN = join(import.meta.dirname, "golden");

/** Compares with test/report/golden/<name>; UPDATE_GOLDEN=1 rewrites it. */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** What no diagram may ever contain, whatever the manifests say. */
function expectInert(text: string): void {
  expect(text).not.toMatch(/^\s*click\b/m);
  expect(text).not.toContain("%%");
  // No HTML at all: labels carry #lt; / #gt;, so the only ">" are the arrows' heads.
  expect(text).not.toContain("<");
  expect(text.replace(/==>|-\.->|-->/g, "")).not.toContain(">");
  expect(text.length).toBeLessThanOrEqual(MERMAID_MAX_CHARS);
}

async function expectGeneratedIds(text: string): Promise<void> {
  const model = await mermaidModel(text);
  for (const [id, v] of model.vertices) {
    expect(id).toMatch(/^[ns]\d+$/);
    expect(v.link).toBeUndefined();
  }
  for (const s of model.subgraphs) expect(s.id).toMatch(/^s\d+$/);
}

describe("the Mermaid parser in these tests", () => {
  it("accepts a good diagram and rejects broken ones", async () => {
    await parseMermaid('flowchart LR\n  n1["a"] ==>|"x"| n2["b"]\n  linkStyle 0 stroke:#1a7f37');
    await expect(parseMermaid('flowchart LR\n  n1["a"] --> end')).rejects.toThrow();
    await expect(parseMermaid('flowchart LR\n  n1["a"] --> n2\n  linkStyle 5 stroke:red')).rejects.toThrow();
    const tooMany = [
      "flowchart LR",
      ...Array.from({ length: MERMAID_MAX_EDGES + 1 }, (_, i) => `  n${i} --> n${i + 1}`),
    ].join("\n");
    await expect(parseMermaid(tooMany)).rejects.toThrow(/Edge limit/);
  });
});

describe("the demo pull request's diagram", () => {
  const r = demoResult();
  const text = renderMermaid(r);

  it("matches the golden file and parses", async () => {
    golden("demo.mmd", `${text}\n`);
    await parseMermaid(text);
    expectInert(text);
    await expectGeneratedIds(text);
  });

  it("is top-down, banded by namespace, with short labels and well-known port names", async () => {
    expect(text.split("\n")[0]).toBe("flowchart TB");
    const model = await mermaidModel(text);
    const label = (id: string) => decodeEntities(model.vertices.get(id)?.text ?? "");
    const byText = (t: string) => [...model.vertices.values()].find((v) => decodeEntities(v.text ?? "") === t)?.id;
    expect([...model.vertices.values()].map((v) => decodeEntities(v.text ?? "")).sort()).toEqual([
      "Ingress shop.example.com/",
      "Ingress shop.example.com/api",
      "Internet",
      "api",
      "db",
      "db-external: LoadBalancer :5432 + NodePort",
      "prometheus",
      "web",
    ]);
    expect(model.subgraphs.map((s) => s.title).sort()).toEqual(["namespace monitoring", "namespace shop"]);
    const shop = model.subgraphs.find((s) => s.title === "namespace shop")!;
    expect(shop.nodes.map(label).sort()).toEqual(["api", "db", "web"]);
    const edge = (from: string, to: string) =>
      model.edges.find((e) => e.start === byText(from) && e.end === byText(to));
    // Added: thick; changed (TLS dropped): plain; unchanged context: plain.
    expect(edge("Internet", "db")).toMatchObject({ stroke: "thick", text: "postgres/5432" });
    expect(edge("prometheus", "web")).toMatchObject({ stroke: "thick", text: "8080" });
    expect(edge("db-external: LoadBalancer :5432 + NodePort", "db")).toMatchObject({
      stroke: "thick",
      text: "postgres/5432",
    });
    expect(edge("Ingress shop.example.com/", "web")).toMatchObject({ stroke: "normal", text: "8080: TLS dropped" });
    expect(edge("web", "api")).toMatchObject({ stroke: "normal", text: "9000" });
  });

  it("colours each edge by the worst finding on it, and draws changes stronger than context", () => {
    const d = buildDiagram(r);
    const style = (from: string, to: string) => {
      const model = d.text.split("\n");
      const i = d.links.findIndex((l) => l.from === from && l.to === to);
      return model.find((l) => l.startsWith("  linkStyle ") && l.split(" ")[3].split(",").includes(String(i)));
    };
    const id = (label: string) =>
      /(n\d+)[[({]+"([^"]*)"/.exec(d.text.split("\n").find((l) => l.includes(`"${label}"`))!)![1];
    // internet -> db on 5432: critical (sensitive port): red, thick.
    expect(style(id("Internet"), id("db"))).toMatch(/stroke:#e5534b,stroke-width:4px$/);
    // prometheus -> web: medium (new cross-namespace flow): amber, thick.
    expect(style(id("prometheus"), id("web"))).toMatch(/stroke:#c69026,stroke-width:4px$/);
    // the Ingress that dropped TLS: high, changed: red, plain.
    expect(style(id("Ingress shop.example.com/"), id("web"))).toMatch(/stroke:#e5534b,stroke-width:2.5px$/);
    // web -> api, unchanged: grey, thin, faded.
    expect(style(id("web"), id("api"))).toMatch(/stroke:#8c959f,stroke-width:1px,stroke-opacity:0.5$/);
    expect(d.links.filter((l) => l.kind === "context").every((l) => l.risk === "low")).toBe(true);
  });

  it("has its legend as one line of words naming only what it uses", () => {
    expect(buildDiagram(r).caption).toBe(
      "red: critical or high risk · amber: medium · thick: added · plain: changed · thin and faded: unchanged, for context.",
    );
    expect(renderMermaid(r)).not.toMatch(/Legend|~~~/);
  });

  it("draws removed paths dashed (the demo in reverse), coloured by their own findings", async () => {
    const back = diff(loadSide(join(DEMO, "head")), loadSide(join(DEMO, "base")));
    const d = buildDiagram(back);
    await parseMermaid(d.text);
    const model = await mermaidModel(d.text);
    const removed = model.edges.filter((e) => e.stroke === "dotted" && e.text);
    expect(removed.map((e) => e.text).sort()).toEqual(["8080", "postgres/5432", "postgres/5432"]);
    expect(d.text).toMatch(/linkStyle [\d,]+ stroke:#[0-9a-f]{6},stroke-width:2.5px,stroke-dasharray:7 5/);
    expect(d.text).toMatch(/class (n\d+,?)+ removed/); // the load balancer that goes away
    expect(d.caption).toContain("dashed: removed");
  });

  it("is a one-node placeholder when nothing changes", async () => {
    const same = diff(loadSide(join(DEMO, "base")), loadSide(join(DEMO, "base")));
    const d = buildDiagram(same);
    expect(d.empty).toBe(true);
    await parseMermaid(d.text);
  });
});

describe("layout", () => {
  it("draws one entry node for the ways into one Service that change alike, and separate ones otherwise", async () => {
    const ns = [namespaceObj("shop"), deployment("shop", "web", "web")];
    const lb = diff(clusterOf(ns), clusterOf([...ns, service("shop", "web", "web", { type: "LoadBalancer" })]));
    const model = await mermaidModel(buildDiagram(lb).text);
    const entries = [...model.vertices.values()]
      .map((v) => decodeEntities(v.text ?? ""))
      .filter((t) => t.startsWith("web:"));
    expect(entries).toEqual(["web: LoadBalancer :80 + NodePort"]);

    // NodePort -> LoadBalancer: the node port stays, the load balancer is new: the new one is drawn, added;
    // the unchanged node port explains no new flow and is left out.
    const np = diff(
      clusterOf([...ns, service("shop", "web", "web", { type: "NodePort" })]),
      clusterOf([...ns, service("shop", "web", "web", { type: "LoadBalancer" })]),
    );
    expect(np.exposures.map((x) => `${x.change} ${(x.head ?? x.base)!.via.kind}`)).toEqual(["added LoadBalancer"]);
    const d = buildDiagram(np);
    const m = await mermaidModel(d.text);
    const labels = [...m.vertices.values()]
      .map((v) => decodeEntities(v.text ?? ""))
      .filter((t) => t.startsWith("web:"))
      .sort();
    expect(labels).toEqual(["web: LoadBalancer :80"]);
    expect(d.text).toMatch(/class n\d+ added/);
  });

  it("names a workload by its kind too when two in one namespace share a name", async () => {
    const sts = { ...deployment("shop", "web", "web-sts"), kind: "StatefulSet" };
    const ns = [namespaceObj("shop"), deployment("shop", "web", "web"), sts];
    const r = diff(clusterOf([...ns, policy("shop", "deny", null, [])]), clusterOf(ns));
    const labels = [...(await mermaidModel(buildDiagram(r).text)).vertices.values()].map((v) =>
      decodeEntities(v.text ?? ""),
    );
    expect(labels).toEqual(expect.arrayContaining(["Deployment/web", "StatefulSet/web"]));
  });

  it("draws workloads that change alike as one node, and arrows many share with outside from their band", async () => {
    // Five new workloads in a namespace without NetworkPolicy: each may reach the other four and the
    // internet; with a policy admitting only `web`'s clients, the four others change alike.
    const base = [namespaceObj("shop")];
    const apps = ["a", "b", "c", "d"].map((x) => deployment("shop", x, x));
    const r = diff(
      clusterOf(base),
      clusterOf([...base, deployment("shop", "web", "web"), ...apps, policy("shop", "only-web", null, ["web"])]),
    );
    const d = buildDiagram(r, { context: false });
    await parseMermaid(d.text);
    const model = await mermaidModel(d.text);
    const labels = [...model.vertices.values()].map((v) => decodeEntities(v.text ?? ""));
    expect(labels).toContain("a, b, c +1 more");
    expect(d.omitted.join(" ")).toMatch(/does not draw the \d+ added connections of \d+ workloads to Internet/);
  });

  it("keeps at most maxWorkloads workload nodes, the riskiest, and folds the rest of each namespace", async () => {
    const r = bigDiff(2, 3);
    const d = buildDiagram(r, { maxWorkloads: 3 });
    await parseMermaid(d.text);
    const labels = [...(await mermaidModel(d.text)).vertices.values()].map((v) => decodeEntities(v.text ?? ""));
    expect(
      labels.filter((l) => /^app-\d$/.test(l)).length + labels.filter((l) => /more workloads?$/.test(l)).length,
    ).toBe(3);
    expect(d.omitted.join(" ")).toMatch(
      /shows the workloads with the riskiest changes; \d+ other workloads are drawn as "more workloads"/,
    );
  });
});

describe("renamed workloads", () => {
  // pay/ledger renamed ledger-v2 (same labels and pods); its policy admits the api, on 8080 and, with
  // `metrics`, on 9090 too.
  const ledger = (name: string, metrics: boolean) => {
    const d = deployment("pay", name, "ledger") as {
      spec: { template: { spec: { containers: { ports: object[] }[] } } };
    };
    if (metrics) d.spec.template.spec.containers[0].ports.push({ name: "metrics", containerPort: 9090 });
    return d as unknown as ReturnType<typeof deployment>;
  };
  const admitsApi = (ports: number[]) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "ledger", namespace: "pay" },
    spec: {
      podSelector: { matchLabels: { app: "ledger" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }], ports: ports.map((port) => ({ port })) }],
    },
  });
  const pay = [namespaceObj("pay"), deployment("pay", "api", "api"), deployment("pay", "web", "web")];
  const texts = async (text: string) =>
    [...(await mermaidModel(text)).vertices.values()].map((v) => decodeEntities(v.text ?? ""));

  it("draws a rename as one node under its new name, and only the connection it also changed", async () => {
    const r = diff(
      clusterOf([...pay, ledger("ledger", false), admitsApi([8080])]),
      clusterOf([...pay, ledger("ledger-v2", true), admitsApi([8080, 9090])]),
    );
    expect(r.renames?.list.map((x) => [x.from, x.to])).toEqual([["pay/Deployment/ledger", "pay/Deployment/ledger-v2"]]);
    const d = buildDiagram(r);
    await parseMermaid(d.text);
    expectInert(d.text);
    const model = await mermaidModel(d.text);
    const label = (id: string) => decodeEntities(model.vertices.get(id)?.text ?? "");
    // One node, its old name a second line; the old name is no node of its own.
    expect(await texts(d.text)).toEqual(["api", "ledger-v2\nwas ledger"]);
    // api -> ledger-v2 gaining 9090: one changed edge, no removed + added pair; and, for context, what the
    // newly reached ledger-v2 reaches among the workloads the change touches (unchanged, thin).
    expect(model.edges.map((e) => [label(e.start), label(e.end), e.stroke, decodeEntities(e.text ?? "")])).toEqual([
      ["api", "ledger-v2\nwas ledger", "normal", "8080 → 8080, 9090"],
      ["ledger-v2\nwas ledger", "api", "normal", "all ports"],
    ]);
    expect(d.links.map((l) => l.kind)).toEqual(["changed", "context"]);
    expect(buildDiagram(r, { context: false }).links.map((l) => l.kind)).toEqual(["changed"]);
    expect(d.text).not.toMatch(/class .* (added|removed)/);
    expect(d.caption).toBe(
      "grey: low or none · plain: changed · thin and faded: unchanged, for context · “was …”: renamed, drawn once under its new name.",
    );
    expect(d.omitted).toEqual([]);
  });

  it("leaves out a rename that changes nothing, its load balancer too, and says so; the legend names no rename", async () => {
    // ledger has a load balancer before and after the rename; the only change drawn is web's new one.
    const lb = service("pay", "ledger-public", "ledger", { type: "LoadBalancer" });
    const r = diff(
      clusterOf([...pay, ledger("ledger", false), admitsApi([8080]), lb]),
      clusterOf([
        ...pay,
        ledger("ledger-v2", false),
        admitsApi([8080]),
        lb,
        service("pay", "web-public", "web", { type: "LoadBalancer" }),
      ]),
    );
    expect(r.renames?.list.map((x) => x.to)).toEqual(["pay/Deployment/ledger-v2"]);
    // The analysis lists the load balancer's exposure as removed from ledger and added to ledger-v2.
    expect(r.exposures.some((x) => x.change === "removed" && x.base?.workload === "pay/Deployment/ledger")).toBe(true);
    const d = buildDiagram(r);
    await parseMermaid(d.text);
    const labels = await texts(d.text);
    expect(labels.some((l) => /ledger/.test(l))).toBe(false);
    expect(labels).toContain("web");
    expect(d.links.some((l) => l.kind === "removed")).toBe(false);
    expect(d.caption).not.toMatch(/renamed/);
    expect(d.omitted).toEqual([
      "does not draw the workload renamed in pay: its connections are the same under the new name (the tables list it)",
    ]);
  });

  it("merges renamed workloads that change alike into one node naming both names, never with others", async () => {
    const g = new Graph();
    const node = (name: string, was?: string) =>
      g.node({
        key: `w:shop/Deployment/${name}`,
        label: name,
        shape: "workload",
        group: "shop",
        state: "touched",
        ...(was ? { was } : {}),
      });
    const api = node("api");
    for (const [name, was] of [
      ["shop-cart", "cart"],
      ["shop-ad", "ad"],
      ["web", undefined],
    ] as const)
      g.edge(api, node(name, was), "changed", "8080 → 8080, 9090", "connection");
    const merged = mergeSiblings(g);
    const workloads = [...merged.nodes.values()].filter((n) => n.key !== api);
    expect(workloads.map((n) => [n.label, n.was]).sort()).toEqual([
      ["shop-ad, shop-cart", "ad, cart"],
      ["web", undefined],
    ]);
    const d = emit(merged);
    await parseMermaid(d.text);
    expect(d.renamed).toBe(true);
    expect(await texts(d.text)).toContain("shop-ad, shop-cart\nwas ad, cart");
  });

  it("draws a rename whose load balancer also changed its sources as one changed entry into the renamed node", async () => {
    const lb = (ranges: string[]) => {
      const o = service("pay", "ledger-public", "ledger", { type: "LoadBalancer" }) as { spec: object };
      return { ...o, spec: { ...o.spec, loadBalancerSourceRanges: ranges } };
    };
    const r = diff(
      clusterOf([...pay, ledger("ledger", false), admitsApi([8080]), lb(["203.0.113.0/24"])]),
      clusterOf([...pay, ledger("ledger-v2", false), admitsApi([8080]), lb(["198.51.100.0/24"])]),
    );
    expect(r.renames?.list).toHaveLength(1);
    const left = renameExposures(r.exposures, r.renames!.list);
    expect(left.map((x) => [x.change, (x.head ?? x.base)!.workload])).toEqual([
      ["changed", "pay/Deployment/ledger-v2"],
    ]);
    const d = buildDiagram(r, { context: false });
    await parseMermaid(d.text);
    const labels = await texts(d.text);
    expect(labels.filter((l) => /ledger/.test(l) && !/ledger-public/.test(l))).toEqual(["ledger-v2\nwas ledger"]);
    expect(d.links.some((l) => l.kind === "added" || l.kind === "removed")).toBe(false);
  });

  it("has nothing to draw when the only change is a rename", () => {
    const r = diff(
      clusterOf([...pay, ledger("ledger", false), admitsApi([8080])]),
      clusterOf([...pay, ledger("ledger-v2", false), admitsApi([8080])]),
    );
    expect(r.renames?.list).toHaveLength(1);
    expect(buildDiagram(r).empty).toBe(true);
  });

  it("draws scenario renamed-workloads (11 renames, one also opening a port) as two nodes and one edge", async () => {
    const dir = join(ROOT, "fixtures/scenarios/renamed-workloads");
    const d = buildDiagram(diff(loadSide(join(dir, "base")), loadSide(join(dir, "head"))));
    await parseMermaid(d.text);
    // Before: 7 nodes and 16 edges (ledger and ledger-v2; the ten shop renames as two merged nodes, removed and added).
    expect([d.nodes, d.edges]).toEqual([2, 1]);
    expect(await texts(d.text)).toEqual(["api", "ledger-v2\nwas ledger"]);
    expect(d.omitted.join(" ")).toMatch(/does not draw the 10 workloads renamed in shop/);
  });
});

describe("blocked exposures", () => {
  it("end in a cross, and the caption says so", async () => {
    const ns = [namespaceObj("shop"), deployment("shop", "db", "db", 5432)];
    const blocked = { type: "LoadBalancer", annotations: { "test/blocked-by": "shop/NetworkPolicy/deny-all" } };
    const r = diff(
      clusterOf(ns),
      clusterOf([...ns, service("shop", "db-public", "db", { ...blocked, port: 5432 })]),
      undefined,
      testExposures,
    );
    const d = buildDiagram(r);
    await parseMermaid(d.text);
    const model = await mermaidModel(d.text);
    const into = model.edges.filter((e) => decodeEntities(model.vertices.get(e.end)?.text ?? "") === "db");
    expect(into.map((e) => [e.type, e.stroke, decodeEntities(e.text ?? "")])).toEqual([
      ["arrow_cross", "thick", "postgres/5432: blocked by deny-all"],
    ]);
    expect(d.caption).toContain("×: blocked by a policy");
  });
});

describe("large changes", () => {
  it("collapses by namespace, stays within GitHub's limits and says what it collapsed", async () => {
    const r = bigDiff(64, 2);
    const d = buildDiagram(r);
    expect(d.collapsed).toBe(true);
    expect(d.nodes).toBeLessThanOrEqual(60);
    expect(d.edges).toBeLessThanOrEqual(MERMAID_MAX_EDGES);
    expect(d.omitted.join(" ")).toMatch(/collapsed by namespace: 128 workloads in 64 namespaces/);
    expect(d.omitted.join(" ")).toMatch(/namespaces with fewer changes are drawn together/);
    await parseMermaid(d.text);
    expectInert(d.text);
    await expectGeneratedIds(d.text);
  });

  it("keeps a medium change detailed, and collapses on request or when told to be small", async () => {
    const r = bigDiff(2, 2);
    const d = buildDiagram(r);
    await parseMermaid(d.text);
    expect(d.collapsed).toBe(false);
    const forced = buildDiagram(r, { mode: "collapsed" });
    expect(forced.collapsed).toBe(true);
    expect(forced.nodes).toBeLessThan(d.nodes);
    await parseMermaid(forced.text);
    const tight = buildDiagram(r, { maxNodes: 8 });
    expect(tight.nodes).toBeLessThanOrEqual(8);
    await parseMermaid(tight.text);
  });
});

describe("hostile manifests", () => {
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
    {
      weight: 2,
      arbitrary: fc.array(fc.constantFrom(...HOSTILE), { minLength: 2, maxLength: 4 }).map((a) => a.join("")),
    },
  );
  const name = text.map((s) => s || "x");

  it("never break the diagram or smuggle in click, init, HTML or links", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          namespace: name,
          client: name,
          server: name,
          service: name,
          host: text,
          path: text,
          note: text,
          file: name,
        }),
        fc.boolean(),
        async (t, real) => {
          const r = hostileDiff(t, real ? exposureOf : testExposures);
          for (const mode of ["auto", "collapsed"] as const) {
            const d = buildDiagram(r, { mode });
            await parseMermaid(d.text);
            expectInert(d.text);
            await expectGeneratedIds(d.text);
          }
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 40) },
    );
  });
});
