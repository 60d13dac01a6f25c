// The comment over several environments draws each changed environment's cluster on its own (never one
// drawing of several clusters): one diagram per environment, environments whose drawings are the same
// once with all their names, at most three, the rest said.
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import { diagramViews } from "../../src/report/environments.js";
import { renderComment } from "../../src/report/markdown.js";
import { buildDiagram, renderMermaid } from "../../src/report/mermaid.js";
import { parseMermaid } from "../helpers/report.js";
import { diffEnvironments, type EnvironmentPair } from "../../src/review/environments.js";

const cluster = (yaml: string) =>
  buildCluster(parseManifestText("app.yaml", yaml, new Diagnostics()), {}, new Diagnostics());

const app = (name: string, type = "ClusterIP") => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: main, image: "${name}:1", ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec: {type: ${type}, selector: {app: ${name}}, ports: [{port: 80, targetPort: http}]}`;

function comment(pairs: [string, string, string][]) {
  const environments: EnvironmentPair[] = pairs.map(([name, base, head]) => ({
    name,
    base: cluster(base),
    head: cluster(head),
  }));
  const r = diffEnvironments(environments, defaultConfig(), exposureOf);
  return { r, text: renderComment(r) };
}

const headings = (text: string) => text.split("\n").filter((l) => l.startsWith("#### What changes"));
const mermaids = (text: string) =>
  text
    .split("```mermaid")
    .slice(1)
    .map((b) => b.split("```")[0]);

describe("diagrams over several environments", () => {
  it("one diagram per changed environment, each drawing only its own cluster's workloads", () => {
    const { r, text } = comment([
      ["dev", app("web"), app("web", "LoadBalancer")],
      ["prod", app("api"), app("api", "NodePort")],
      ["qa", app("web"), app("web")],
    ]);
    expect(diagramViews(r).map((v) => v.environment)).toEqual(["dev", "prod"]);
    expect(headings(text)).toEqual(["#### What changes in dev", "#### What changes in prod"]);
    const [dev, prod] = mermaids(text);
    expect(dev).toContain("web");
    expect(dev).not.toContain("api");
    expect(prod).toContain("api");
    expect(prod).not.toContain("web");
  });

  it("environments whose drawings are alike share one diagram; past three, the rest are named", () => {
    const same = comment([
      ["dev", app("web"), app("web", "LoadBalancer")],
      ["staging", app("web"), app("web", "LoadBalancer")],
    ]);
    expect(headings(same.text)).toEqual(["#### What changes in dev, staging"]);
    const many = comment(
      ["a", "b", "c", "d"].map((n): [string, string, string] => [n, app(`w${n}`), app(`w${n}`, "LoadBalancer")]),
    );
    expect(headings(many.text)).toHaveLength(3);
    expect(many.text).toContain("No diagram for environment d \\(at most 3 diagrams\\)");
  });

  it("each environment's diagram says only its own renames", () => {
    // dev renames web to web-v2 (same pods and labels) and opens api on a node port; prod only opens api.
    const renamed = app("web").replace(/name: web,/g, "name: web-v2,");
    const { r } = comment([
      ["dev", `${app("api")}\n---${app("web")}`, `${app("api", "NodePort")}\n---${renamed}`],
      ["prod", `${app("api")}\n---${app("web")}`, `${app("api", "NodePort")}\n---${app("web")}`],
    ]);
    expect(r.renames?.list.map((x) => [x.environment, x.from, x.to])).toEqual([
      ["dev", "shop/Deployment/web", "shop/Deployment/web-v2"],
    ]);
    const omitted = Object.fromEntries(
      diagramViews(r).map((v) => [v.environment, buildDiagram(v.result).omitted.join(" ")]),
    );
    expect(omitted.dev).toMatch(/does not draw the workload renamed in shop/);
    expect(omitted.prod).not.toMatch(/renamed/);
  });

  it("does not change a repository that is one cluster: one diagram, no environment in its heading", () => {
    const { text } = comment([["", app("web"), app("web", "LoadBalancer")]]);
    expect(headings(text)).toEqual(["#### What changes"]);
  });

  it("diff --format mermaid draws one environment, never the union, and names the others in a comment Mermaid reads", async () => {
    const { r } = comment([
      ["dev", app("web"), app("web", "LoadBalancer")],
      ["prod", app("api"), app("api", "NodePort")],
    ]);
    const text = renderMermaid(r);
    expect(text.split("\n").slice(0, 2)).toEqual([
      "flowchart TB",
      "  %% environment dev; also changed, not drawn: prod",
    ]);
    expect(text).not.toContain("api");
    await parseMermaid(text);
  });
});
