// Every diagram here is parsed by the real Mermaid (under jsdom): what GitHub would render.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { loadSide } from "../../src/snapshot.js";
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
  service,
  testExposures,
} from "./helpers.js";

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
    expect(id).toMatch(/^[nl]\d+$/);
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

  it("draws the Internet, entry points by address, namespaces as subgraphs and workloads as nodes", async () => {
    const model = await mermaidModel(text);
    const label = (id: string) => decodeEntities(model.vertices.get(id)?.text ?? "");
    const byText = (t: string) => [...model.vertices.values()].find((v) => decodeEntities(v.text ?? "") === t)?.id;
    expect(byText("Internet")).toBeDefined();
    expect([...model.vertices.values()].map((v) => decodeEntities(v.text ?? ""))).toEqual(
      expect.arrayContaining([
        "LoadBalancer :5432 + NodePort (allocated port) of shop/Service/db-external",
        "StatefulSet/db",
        "Deployment/prometheus",
      ]),
    );
    expect(model.subgraphs.map((s) => s.title)).toEqual(
      expect.arrayContaining(["namespace shop", "namespace monitoring", "Legend"]),
    );
    const shop = model.subgraphs.find((s) => s.title === "namespace shop")!;
    expect(shop.nodes.map(label).sort()).toEqual(["Deployment/api", "Deployment/web", "StatefulSet/db"]);
    // The new paths are thick; the Ingress whose TLS was dropped is a changed (normal) edge; grey context is normal too.
    const edge = (from: string, to: string) =>
      model.edges.find((e) => e.start === byText(from) && e.end === byText(to));
    expect(edge("Internet", "StatefulSet/db")).toMatchObject({ stroke: "thick", text: "TCP 5432" });
    expect(edge("Deployment/prometheus", "Deployment/web")).toMatchObject({ stroke: "thick", text: "TCP 8080" });
    // The load balancer and the node ports it brings are one entry node (one Service, changed alike).
    expect(
      edge("LoadBalancer :5432 + NodePort (allocated port) of shop/Service/db-external", "StatefulSet/db"),
    ).toMatchObject({ stroke: "thick", text: "TCP 5432" });
    expect(edge("Ingress shop.example.com/ (shop/Ingress/shop)", "Deployment/web")).toMatchObject({
      stroke: "normal",
      text: "TCP 8080: TLS dropped",
    });
    expect(edge("Deployment/web", "Deployment/api")).toMatchObject({ stroke: "normal" }); // unchanged neighbour
    expect(text).toMatch(/linkStyle [\d,]+ stroke:#1a7f37/);
    expect(text).toMatch(/linkStyle [\d,]+ stroke:#bf8700/);
    expect(text).toMatch(/linkStyle [\d,]+ stroke:#afb8c1/);
  });

  it("draws removed paths dashed red (the demo in reverse)", async () => {
    const back = diff(loadSide(join(DEMO, "head")), loadSide(join(DEMO, "base")));
    const d = buildDiagram(back);
    await parseMermaid(d.text);
    const model = await mermaidModel(d.text);
    const removed = model.edges.filter((e) => e.stroke === "dotted" && !/^l/.test(e.start) && e.text);
    expect(removed.map((e) => e.text).sort()).toEqual(["TCP 5432", "TCP 5432", "TCP 8080"]); // internet -> db by policy, and by the LoadBalancer with its NodePort; prometheus -> web
    expect(d.text).toMatch(/linkStyle [\d,]+ stroke:#cf222e/);
    expect(d.text).toMatch(/class (n\d+,?)+ removed/); // the load balancer (and its node port) that go away
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
      .filter((t) => t.includes("shop/Service/web"));
    expect(entries).toEqual(["LoadBalancer :80 + NodePort (allocated port) of shop/Service/web"]);

    // NodePort -> LoadBalancer: the node port stays, the load balancer is new: two nodes, one of them added.
    const np = diff(
      clusterOf([...ns, service("shop", "web", "web", { type: "NodePort" })]),
      clusterOf([...ns, service("shop", "web", "web", { type: "LoadBalancer" })]),
    );
    expect(np.exposures.map((x) => `${x.change} ${(x.head ?? x.base)!.via.kind}`)).toEqual(["added LoadBalancer"]);
    const d = buildDiagram(np);
    const m = await mermaidModel(d.text);
    const labels = [...m.vertices.values()]
      .map((v) => decodeEntities(v.text ?? ""))
      .filter((t) => t.includes("shop/Service/web"))
      .sort();
    expect(labels).toEqual(["LoadBalancer :80 of shop/Service/web", "NodePort (allocated port) of shop/Service/web"]);
    expect(d.text).toMatch(/class n\d+ added/);
  });

  it("holds the legend left of where the arrows start, with invisible links from the legend only", () => {
    const text = renderMermaid(demoResult());
    const invisible = text.split("\n").filter((l) => l.includes("~~~"));
    expect(invisible.length).toBeGreaterThan(0);
    for (const l of invisible) expect(l).toMatch(/^ {2}l\d+ ~~~ n\d+$/);
    // Their targets are the nodes no arrow points at: the Internet and Deployment/prometheus.
    const pointedAt = new Set(
      [...text.matchAll(/ (?:==>|-->|-\.->|==x|--x|-\.-x)(?:\|"[^"]*"\|)? (n\d+)/g)].map((m) => m[1]),
    );
    for (const l of invisible) expect(pointedAt.has(l.split(" ~~~ ")[1])).toBe(false);
    expect(renderMermaid(demoResult(), { legend: false })).not.toContain("~~~");
  });
});

describe("blocked exposures", () => {
  it("end in a cross, and the legend says so", async () => {
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
    const into = model.edges.filter((e) => decodeEntities(model.vertices.get(e.end)?.text ?? "") === "Deployment/db");
    expect(into.map((e) => [e.type, e.stroke, decodeEntities(e.text ?? "")])).toEqual([
      ["arrow_cross", "thick", "TCP 5432: blocked by shop/NetworkPolicy/deny-all"],
    ]);
    expect(d.text).toContain('--x|"blocked by a policy"|');
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

  it("keeps a medium change detailed but drops grey context first when it is too busy", async () => {
    const r = bigDiff(3, 4);
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
