// The parts of rendering that need no render tool: discovery, references, command lines, the
// environment, messages, source matching, the job pool and the configuration keys.
import { describe, expect, it } from "vitest";
import { discover } from "../../src/render/discover.js";
import { isRemoteReference } from "../../src/render/kustomization.js";
import { failureMessage } from "../../src/render/messages.js";
import { RenderCache, renderOptionsFromConfig, resolveRenderOptions } from "../../src/render/options.js";
import { ok, runJobs, runJobsSync, type Job } from "../../src/render/run.js";
import { bestMatch, helmSources, takeOrigin } from "../../src/render/source-map.js";
import { commandArgv, helmArgv, kustomizeArgv, renderEnv, splitCommand } from "../../src/render/tools.js";
import { MemoryTree, resolveIn, treePath } from "../../src/render/tree.js";
import { globScope } from "../../src/render/sides.js";
import { parseConfig } from "../../src/config/load-config.js";
import type { RawObject } from "../../src/manifests/parse.js";

const tree = (files: Record<string, string>) =>
  new MemoryTree(Object.entries(files).map(([name, text]) => ({ name, text })));
const all = { folders: [""], includes: () => true };
const opts = resolveRenderOptions({ cache: null });

describe("tree paths", () => {
  it("normalises and refuses paths that leave the tree", () => {
    expect(treePath("a/./b/../c")).toBe("a/c");
    expect(treePath("./")).toBe("");
    expect(treePath("../x")).toBeNull();
    expect(treePath("/etc/passwd")).toBeNull();
    expect(treePath("C:\\x")).toBeNull();
    expect(resolveIn("apps/overlays/prod", "../../base")).toBe("apps/base");
    expect(resolveIn("apps", "../../../etc")).toBeNull();
    expect(resolveIn("", "/abs")).toBeNull();
  });

  it("refuses fetched file names that climb out or repeat", () => {
    const t = new MemoryTree([
      { name: "a.yaml", text: "" },
      { name: "../escape.yaml", text: "" },
      { name: "./a.yaml", text: "" },
    ]);
    expect(t.files("")).toEqual(["a.yaml"]);
    expect(t.refused).toEqual(["../escape.yaml", "./a.yaml"]);
  });
});

describe("remote references", () => {
  it.each([
    "github.com/org/repo//deploy?ref=v1.2.0",
    "https://raw.githubusercontent.com/org/repo/main/x.yaml",
    "git::https://gitlab.com/org/repo.git//base",
    "git@github.com:org/repo.git",
    "ssh://git@example.com/org/repo",
    "file:///etc/kubernetes",
    "example.com/org/repo/base?ref=main",
  ])("%s is remote", (ref) => expect(isRemoteReference(ref)).toBe(true));

  it.each(["../../base", "deployment.yaml", "components/network-policies", "./web.yaml"])("%s is local", (ref) =>
    expect(isRemoteReference(ref)).toBe(false),
  );
});

describe("discovery", () => {
  const repo = {
    "apps/base/kustomization.yaml": "resources: [web.yaml]\n",
    "apps/base/web.yaml": "kind: Deployment\n",
    "apps/overlays/prod/kustomization.yaml":
      "resources: [../../base]\ncomponents: [../../../components/np]\npatches:\n  - path: patch.yaml\nconfigMapGenerator:\n  - name: cfg\n    envs: [.env]\n",
    "apps/overlays/prod/patch.yaml": "kind: Deployment\n",
    "apps/overlays/prod/.env": "A=1\n",
    "apps/overlays/dev/Kustomization": "resources: [../../base]\n",
    "components/np/kustomization.yaml":
      "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [np.yaml]\n",
    "components/np/np.yaml": "kind: NetworkPolicy\n",
    "components/unused/kustomization.yaml": "kind: Component\n",
    "components/unused/np.yaml": "kind: NetworkPolicy\n",
    "plain/ns.yaml": "kind: Namespace\n",
    "charts/web/Chart.yaml": "name: web\n",
    "charts/web/templates/svc.yaml": "kind: Service\nmetadata: {name: {{ .Release.Name }}}\n",
    "charts/web/charts/sub/Chart.yaml": "name: sub\n",
  };

  it("renders each top-level root once and claims the files of every root", () => {
    const d = discover(tree(repo), all, opts);
    const kustomize = d.units.filter((u) => u.kind === "kustomize");
    expect(kustomize.map((u) => u.dir)).toEqual(["apps/overlays/dev", "apps/overlays/prod"]);
    const prod = kustomize.find((u) => u.dir === "apps/overlays/prod")!;
    expect(prod.anchor).toBe("apps/overlays/prod/kustomization.yaml");
    expect(prod.inputs).toEqual(
      expect.arrayContaining(["apps/base/web.yaml", "apps/overlays/prod/.env", "components/np/np.yaml"]),
    );
    expect(prod.sources).toEqual(expect.arrayContaining(["apps/base/web.yaml", "components/np/np.yaml"]));
    expect(d.units.find((u) => u.dir === "apps/overlays/dev")!.anchor).toBe("apps/overlays/dev/Kustomization");
    for (const f of [
      "apps/base/web.yaml",
      "apps/overlays/prod/patch.yaml",
      "components/np/np.yaml",
      "components/unused/np.yaml",
      "charts/web/templates/svc.yaml",
    ])
      expect(d.claimed).toContain(f);
    expect(d.claimed).not.toContain("plain/ns.yaml");
    expect(d.notes.map((n) => n.path)).toEqual(["components/unused/kustomization.yaml"]);
  });

  it("treats a chart folder as one unit, subcharts included", () => {
    const d = discover(tree(repo), all, opts);
    const charts = d.units.filter((u) => u.kind === "helm");
    expect(charts.map((u) => [u.dir, u.helm!.release])).toEqual([["charts/web", "web"]]);
    expect(charts[0].inputs).toContain("charts/web/charts/sub/Chart.yaml");
  });

  it("adds values files, release and namespace from the configuration, and reports a chart that is not there", () => {
    const files = { ...repo, "deploy/prod-values.yaml": "replicas: 3\n" };
    const o = resolveRenderOptions({
      cache: null,
      helm: {
        charts: [
          { path: "charts/web", values: ["deploy/prod-values.yaml"], release: "Shop_Web", namespace: "shop" },
          { path: "charts/nope" },
        ],
      },
    });
    const d = discover(tree(files), all, o);
    const web = d.units.find((u) => u.kind === "helm")!;
    expect(web.helm).toMatchObject({ release: "shop-web", namespace: "shop", values: ["deploy/prod-values.yaml"] });
    expect(web.inputs).toContain("deploy/prod-values.yaml");
    expect(d.notes).toContainEqual(
      expect.objectContaining({ severity: "error", path: "charts/nope", code: "render-failed" }),
    );
  });

  it("refuses remote bases unless allowed, and references outside the repository always", () => {
    const files = {
      "a/kustomization.yaml": "resources:\n  - github.com/org/repo//base?ref=v1\n  - web.yaml\n",
      "a/web.yaml": "kind: Service\n",
      "b/kustomization.yaml": "resources: [../../outside]\n",
    };
    const d = discover(tree(files), all, opts);
    expect(d.units.find((u) => u.dir === "a")!.refused).toMatch(
      /remote reference refused \(a\/kustomization.yaml: resources github.com\/org\/repo\/\/base\?ref=v1\)/,
    );
    expect(d.units.find((u) => u.dir === "b")!.refused).toMatch(/outside the repository/);
    const allowed = discover(tree(files), all, resolveRenderOptions({ cache: null, allowRemoteBases: true }));
    expect(allowed.units.find((u) => u.dir === "a")!.refused).toBeUndefined();
    expect(allowed.units.find((u) => u.dir === "b")!.refused).toMatch(/outside the repository/);
  });

  it("gives folders matched by a render command to that command, and keeps it off unless allowed", () => {
    const files = { ...repo, "jsonnet/app/main.jsonnet": "{}", "jsonnet/app/kustomization.yaml": "resources: []\n" };
    const o = { cache: null, commands: [{ glob: "jsonnet/*", command: "jsonnet {dir}/main.jsonnet" }] };
    const off = discover(tree(files), all, resolveRenderOptions(o));
    const unit = off.units.find((u) => u.kind === "command")!;
    expect(unit).toMatchObject({ dir: "jsonnet/app", command: ["jsonnet", "{dir}/main.jsonnet"] });
    expect(unit.skipped?.message).toMatch(/render commands are off/);
    expect(off.units.some((u) => u.kind === "kustomize" && u.dir === "jsonnet/app")).toBe(false);
    expect(off.claimed).toContain("jsonnet/app/main.jsonnet");
    const on = discover(tree(files), all, resolveRenderOptions({ ...o, allowCommands: true }));
    expect(on.units.find((u) => u.kind === "command")!.skipped).toBeUndefined();
  });

  it("looks only among the configured paths", () => {
    const d = discover(tree(repo), globScope(["apps/overlays/prod/**"]), opts);
    expect(d.units.map((u) => u.dir)).toEqual(["apps/overlays/prod"]);
    // A Kustomization file without extension counts when its folder's YAML is among the paths.
    expect(discover(tree(repo), globScope(["apps/overlays/dev/*.yaml"]), opts).units.map((u) => u.dir)).toEqual([
      "apps/overlays/dev",
    ]);
  });
});

describe("command lines", () => {
  it("builds kustomize with the folder and nothing that enables plugins", () => {
    const argv = kustomizeArgv(["kubectl", "kustomize"], "/tmp/x");
    expect(argv).toEqual(["kubectl", "kustomize", "/tmp/x"]);
    expect(argv.join(" ")).not.toMatch(/enable|plugin|exec|helm/);
  });

  it("builds helm template with values in order, a namespace, no tests and no post-renderer", () => {
    expect(helmArgv("helm", "web", "/r/charts/web", ["/r/values.yaml", "/r/prod.yaml"], "shop")).toEqual([
      "helm",
      "template",
      "web",
      "/r/charts/web",
      "--skip-tests",
      "--namespace",
      "shop",
      "--values",
      "/r/values.yaml",
      "--values",
      "/r/prod.yaml",
    ]);
    expect(helmArgv("helm", "web", "/c", []).join(" ")).not.toMatch(/post-renderer|--repo|dependency/);
  });

  it("splits configured commands without a shell and fills in {dir}", () => {
    expect(splitCommand(`jsonnet -J "lib dir" '{dir}/main.jsonnet'`)).toEqual([
      "jsonnet",
      "-J",
      "lib dir",
      "{dir}/main.jsonnet",
    ]);
    expect(splitCommand(["a b", "c"])).toEqual(["a b", "c"]);
    expect(splitCommand("x; rm -rf / && y $(z)")).toEqual(["x;", "rm", "-rf", "/", "&&", "y", "$(z)"]);
    expect(commandArgv(["cue", "export", "--out=yaml", "{dir}", "--dir={dir}"], "/t/app")).toEqual([
      "cue",
      "export",
      "--out=yaml",
      "/t/app",
      "--dir=/t/app",
    ]);
  });

  it("gives renders a clean environment: no secrets, private home, plugins off", () => {
    process.env.GITHUB_TOKEN = "secret-token";
    process.env.AWS_SECRET_ACCESS_KEY = "secret-key";
    try {
      const env = renderEnv("/tmp/home");
      expect(Object.values(env)).not.toContain("secret-token");
      expect(Object.values(env)).not.toContain("secret-key");
      expect(env).toMatchObject({
        HOME: "/tmp/home",
        HELM_NO_PLUGINS: "1",
        HELM_PLUGINS: "/tmp/home/no-plugins",
        KUSTOMIZE_PLUGIN_HOME: "/tmp/home/no-plugins",
      });
    } finally {
      delete process.env.GITHUB_TOKEN;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});

describe("failure messages", () => {
  const limits = { timeoutMs: 1500, maxOutputBytes: 1000 };
  const failed = (stderr: string) => ({ code: 1, signal: null, stdout: "", stderr });

  it("unwraps kubectl's klog line and the layer of our wrapper kustomization", () => {
    const stderr = `# Warning: 'commonLabels' is deprecated.\nE1124 10:51:45.441515   19967 run.go:72] "command failed" err="accumulating resources: accumulation err='accumulating resources from '../tree/app': '/tmp/r/tree/app' must resolve to a file': recursed accumulation of path '/tmp/r/tree/app': invalid Kustomization: yaml: line 1: did not find \\"x\\""\n`;
    expect(failureMessage(failed(stderr), limits, [["/tmp/r/tree/", ""]])).toBe(
      `invalid Kustomization: yaml: line 1: did not find "x"`,
    );
  });

  it("reads kubectl's multi-line form and kustomize's or helm's Error: prefix", () => {
    expect(
      failureMessage(
        failed(`E1124 1:2:3.4 5 run.go:72] "command failed" err=<\n\tfirst line\n\t: exit status 128\n >\n`),
        limits,
      ),
    ).toBe("first line : exit status 128");
    expect(failureMessage(failed("Error: template: web/templates/svc.yaml:3:5: bad\n"), limits)).toBe(
      "template: web/templates/svc.yaml:3:5: bad",
    );
  });

  it("says when a render was stopped, and bounds the length", () => {
    expect(failureMessage({ code: null, signal: "SIGKILL", stdout: "", stderr: "", reason: "timeout" }, limits)).toBe(
      "stopped after the time limit of 1.5 s",
    );
    expect(
      failureMessage({ code: null, signal: "SIGKILL", stdout: "", stderr: "", reason: "output-limit" }, limits),
    ).toMatch(/over the limit of 1000 bytes/);
    expect(failureMessage(failed("x".repeat(5000)), limits).length).toBeLessThanOrEqual(600);
    expect(failureMessage(failed(""), limits)).toBe("exit code 1");
  });
});

describe("source matching", () => {
  const raw = (data: Record<string, unknown>, line: number): RawObject => ({
    data,
    source: { file: "f.yaml", line, lineOf: () => line },
  });
  const candidates = [
    raw({ kind: "Deployment", metadata: { name: "web" } }, 1),
    raw({ kind: "Service", metadata: { name: "web" } }, 20),
    raw({ kind: "Service", metadata: { name: "web-internal" } }, 30),
  ];

  it("matches kind and name through a name prefix or suffix, preferring the longest name", () => {
    expect(bestMatch({ kind: "Service", metadata: { name: "prod-web" } }, candidates)!.source.line).toBe(20);
    expect(bestMatch({ kind: "Service", metadata: { name: "prod-web-internal-v2" } }, candidates)!.source.line).toBe(
      30,
    );
    expect(bestMatch({ kind: "Deployment", metadata: { name: "other" } }, candidates)!.source.line).toBe(1);
    expect(bestMatch({ kind: "Deployment", metadata: { name: "other" } }, candidates, false)).toBeUndefined();
    expect(bestMatch({ kind: "NetworkPolicy", metadata: { name: "web" } }, candidates)).toBeUndefined();
  });

  it("takes the origin annotation out of the object", () => {
    const data = {
      kind: "Service",
      metadata: { name: "x", annotations: { "config.kubernetes.io/origin": "path: ../tree/base/web.yaml\n" } },
    };
    expect(takeOrigin(data)).toEqual({ path: "../tree/base/web.yaml", repo: undefined, configuredIn: undefined });
    expect(data.metadata).toEqual({ name: "x" });
  });

  it("reads helm's Source comments", () => {
    expect(helmSources("---\n# Source: web/templates/svc.yaml\nkind: Service\n", "charts/web")).toEqual([
      { line: 2, path: "charts/web/templates/svc.yaml" },
    ]);
  });
});

describe("job pool", () => {
  const job = (file: string, args: string[], extra: Partial<Job> = {}): Job => ({
    file,
    args,
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "" },
    timeoutMs: 20_000,
    maxOutputBytes: 1 << 20,
    ...extra,
  });
  const node = (code: string, extra: Partial<Job> = {}) => job(process.execPath, ["-e", code], extra);

  it("returns every job's output, exit code and error text, in order", () => {
    const results = runJobsSync(
      [
        node("process.stdout.write('a')"),
        node("process.stderr.write('bad'); process.exit(3)"),
        job("/nonexistent/program", []),
      ],
      2,
    );
    expect(results[0]).toMatchObject({ code: 0, stdout: "a" });
    expect(ok(results[0])).toBe(true);
    expect(results[1]).toMatchObject({ code: 3, stderr: "bad" });
    expect(results[2]).toMatchObject({ code: null, reason: "spawn-error" });
  });

  it("kills a render that runs over its time, with what it started", async () => {
    const started = Date.now();
    const results = await runJobs(
      [
        node(
          "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 30000)'], {stdio: 'inherit'}); setTimeout(()=>{}, 30000)",
          { timeoutMs: 500 },
        ),
      ],
      1,
    );
    expect(results[0].reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("stops a render whose output goes over the limit", () => {
    const [r] = runJobsSync([node("process.stdout.write('x'.repeat(200000))", { maxOutputBytes: 1000 })], 1);
    expect(r.reason).toBe("output-limit");
    expect(r.stdout).toBe("");
  });

  it("runs jobs side by side up to the limit", () => {
    // Each job records when it ran; with two at a time, two of three overlap.
    const code = "const t=Date.now(); setTimeout(()=>{process.stdout.write(JSON.stringify([t, Date.now()]))}, 700)";
    const spans = runJobsSync([node(code), node(code), node(code)], 2).map(
      (r) => JSON.parse(r.stdout) as [number, number],
    );
    const overlapping = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];
    expect(overlapping(spans[0], spans[1])).toBe(true);
    expect(overlapping(spans[0], spans[2]) && overlapping(spans[1], spans[2])).toBe(false);
  });
});

describe("configuration", () => {
  it("accepts render, helm and the two permissions, off by default", () => {
    const config = parseConfig(
      [
        "render:",
        "  - glob: jsonnet/*",
        "    command: [jsonnet, '{dir}/main.jsonnet']",
        "helm:",
        "  charts:",
        "    - path: charts/web",
        "      values: [charts/web/values-prod.yaml]",
        "allow-render-commands: true",
      ].join("\n"),
    );
    expect(config.render).toEqual([{ glob: "jsonnet/*", command: ["jsonnet", "{dir}/main.jsonnet"] }]);
    expect(config.helm.charts).toEqual([{ path: "charts/web", values: ["charts/web/values-prod.yaml"] }]);
    expect(config["allow-remote-bases"]).toBe(false);
    expect(renderOptionsFromConfig(config)).toMatchObject({
      allowCommands: true,
      allowRemoteBases: false,
      commands: config.render,
      helm: { charts: config.helm.charts },
    });
    const defaults = parseConfig("");
    expect([defaults.render, defaults.helm, defaults["allow-remote-bases"], defaults["allow-render-commands"]]).toEqual(
      [[], { charts: [] }, false, false],
    );
  });

  it("names the key of a bad render entry", () => {
    expect(() => parseConfig("render:\n  - glob: x\n")).toThrow(/render\.0/);
    expect(() => parseConfig("helm:\n  charts:\n    - values: [a]\n")).toThrow(/helm\.charts\.0/);
  });
});

describe("render cache", () => {
  it("forgets the least recently used past its entry or byte limit", () => {
    const cache = new RenderCache(2, 100);
    cache.set("a", 1, 10);
    cache.set("b", 2, 10);
    cache.get("a");
    cache.set("c", 3, 10);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([1, undefined, 3]);
    cache.set("d", 4, 95);
    expect([cache.size, cache.get("d")]).toEqual([1, 4]);
  });
});
