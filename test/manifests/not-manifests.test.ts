// Files and documents that are not Kubernetes manifests, read through a natural glob (chart/**, common/**):
// only .yaml, .yml and .json are read raw, and a document that is no Kubernetes object (a values file,
// Chart.yaml, a tool's input such as an IstioOperator without metadata) is counted in one note, never an error.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSide } from "../../src/snapshot.js";

const repo = mkdtempSync(join(tmpdir(), "reachdiff-not-manifests-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const FILES: Record<string, string> = {
  "common/README.md": "# Common\n\n- a: b\n",
  "common/OWNERS": "approvers:\n- someone\n",
  "common/diagram.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
  "common/old-chart-0.1.0.tgz": "\u001f\u008b binary [ {\n",
  "common/istio-operator.yaml":
    "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: minimal\n",
  "common/values-prod.yaml": "replicas: 3\nservice: {type: ClusterIP}\n",
  "common/settings.json": '{"verbose": true}\n',
  "common/web.yaml":
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n",
};

describe("a natural glob over a repository with other files", () => {
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(repo, name)), { recursive: true });
    writeFileSync(join(repo, name), text);
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "c");

  const expectClean = (c: ReturnType<typeof loadSide>) => {
    expect(c.workloads.map((w) => w.id)).toEqual(["shop/Deployment/web"]);
    expect(c.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const note = c.diagnostics.find((d) => /not Kubernetes objects/.test(d.message));
    expect(note?.message).toMatch(/^3 document\(s\) are not Kubernetes objects/);
  };

  it("a git ref: only .yaml, .yml and .json are read; the IstioOperator, values and settings are counted", () => {
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      expectClean(loadSide("main", { globs: ["common/**"], render: false }));
    } finally {
      process.chdir(cwd);
    }
  });

  it("a folder: the same", () => {
    expectClean(loadSide(repo, { render: false }));
  });
});
