// Helm charts (the real helm where installed, and a stand-in that records how it is called) and a
// configured render command run for real.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import type { Cluster } from "../../src/model/types.js";
import { RENDER_FAILED, RENDER_SKIPPED, RENDER_UNMAPPED } from "../../src/manifests/render-codes.js";
import type { RenderOptions } from "../../src/render/options.js";
import { isRenderedSource } from "../../src/render/source-map.js";
import { loadSide } from "../../src/snapshot.js";
import { needsHelm } from "../helpers/render-tools.js";

const HELM_FIXTURE = "fixtures/render/helm";
const prodChart = {
  charts: [{ path: "charts/web", values: ["charts/web/values-prod.yaml"], release: "shop", namespace: "web-prod" }],
};
const byId = (c: Cluster, id: string) => [...c.workloads, ...c.services].find((o) => o.id === id);

describe("Helm charts without helm", () => {
  it("keeps the chart's templates out of the raw read and says the chart was not rendered", () => {
    const c = loadSide(HELM_FIXTURE, { render: { cache: null, tools: { helm: null } } });
    expect(c.workloads).toEqual([]);
    expect(c.diagnostics.filter((d) => d.severity !== "info")).toEqual([
      expect.objectContaining({
        severity: "error",
        code: RENDER_FAILED,
        file: "charts/web/Chart.yaml",
        message: "chart charts/web is not rendered: helm is not on PATH",
      }),
    ]);
  });
});

describe("Helm charts with a stand-in helm that records its command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "reachdiff-fake-helm-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fake = join(dir, "helm");
  // Prints what real `helm template` prints for the Service template, plus how it was called.
  writeFileSync(
    fake,
    `#!${process.execPath}
const call = JSON.stringify({ argv: process.argv.slice(2), noPlugins: process.env.HELM_NO_PLUGINS, secret: process.env.RENDER_TEST_SECRET ?? null });
process.stdout.write([
  "---",
  "# Source: web/templates/service.yaml",
  "apiVersion: v1",
  "kind: Service",
  "metadata:",
  "  name: shop-web",
  "  annotations:",
  "    call: '" + call + "'",
  "spec:",
  "  type: LoadBalancer",
  "  selector: {app.kubernetes.io/instance: shop}",
  "  ports: [{port: 80, targetPort: http}]",
  "",
].join("\\n"));
`,
  );
  chmodSync(fake, 0o755);

  it("calls helm template with the release, the chart, the values in order and the namespace, plugins off and no secrets", () => {
    process.env.RENDER_TEST_SECRET = "do-not-pass";
    let c: Cluster;
    try {
      c = loadSide(HELM_FIXTURE, { render: { cache: null, tools: { helm: fake }, helm: prodChart } });
    } finally {
      delete process.env.RENDER_TEST_SECRET;
    }
    const svc = c.services.find((s) => s.id === "web-prod/Service/shop-web") ?? c.services[0];
    const call = JSON.parse(svc.annotations.call) as { argv: string[]; noPlugins: string; secret: string | null };
    const chart = resolve(HELM_FIXTURE, "charts/web");
    expect(call).toEqual({
      argv: [
        "template",
        "shop",
        chart,
        "--skip-tests",
        "--namespace",
        "web-prod",
        "--values",
        join(chart, "values-prod.yaml"),
      ],
      noPlugins: "1",
      secret: null,
    });
    expect(svc.type).toBe("LoadBalancer");
    expect(svc.source).toMatchObject({ file: "charts/web/templates/service.yaml", line: 2 });
    expect(isRenderedSource(svc.source) && svc.source.rendered).toMatchObject({
      unit: "charts/web/Chart.yaml",
      tool: "helm",
      located: "template",
    });
  });

  it("reports a values file the configuration names that does not exist", () => {
    const c = loadSide(HELM_FIXTURE, {
      render: {
        cache: null,
        tools: { helm: fake },
        helm: { charts: [{ path: "charts/web", values: ["charts/web/values-nope.yaml"] }] },
      },
    });
    expect(c.diagnostics.find((d) => d.code === RENDER_FAILED)?.message).toMatch(
      /values file charts\/web\/values-nope.yaml not found/,
    );
  });
});

describe(`Helm charts with the real helm ${needsHelm}`, () => {
  it("renders the chart with the configured values, objects pointing at their templates", () => {
    const c = loadSide(HELM_FIXTURE, { render: { cache: null, helm: prodChart } });
    expect(c.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const svc = byId(c, "web-prod/Service/shop-web")!;
    expect(svc.source.file).toBe("charts/web/templates/service.yaml");
    expect(c.services.find((s) => s.id === "web-prod/Service/shop-web")!.type).toBe("LoadBalancer");
    expect(c.workloads.find((w) => w.id === "web-prod/Deployment/shop-web")!.replicas).toBe(3);
  });
});

describe(`one template with two Services of one kind and templated names ${needsHelm}`, () => {
  // {{ .Values.name }}-external is first in the file, {{ .Values.name }} after it: each rendered Service
  // points at its own document, never at the other's line.
  it("maps each rendered object to its own document of the template", () => {
    const c = loadSide("fixtures/render/helm-two-services", { render: { cache: null } });
    expect(c.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const place = (id: string) => {
      const s = byId(c, id)!.source;
      return [s.file, s.line, isRenderedSource(s) && s.rendered.located];
    };
    const file = "charts/edge/templates/services.yaml";
    expect(place("default/Service/web-external")).toEqual([file, 3, "template"]);
    expect(place("default/Service/web")).toEqual([file, 17, "template"]);
    expect(place("default/Deployment/web")).toEqual(["charts/edge/templates/deployment.yaml", 2, "template"]);
    // The finding that a public Service appeared points at the public one.
    const result = diffClusters(
      loadSide("fixtures/render/helm-two-services", { render: false }),
      c,
      defaultConfig(),
      exposureOf,
    );
    const lb = result.findings.filter((f) => f.objects.includes("default/Service/web-external"));
    expect(lb.length).toBeGreaterThan(0);
    for (const f of lb) expect([f.file, f.line]).toEqual([file, 3]);
  });
});

describe("a configured render command, run for real", () => {
  const FIXTURE = "fixtures/render/command";
  const commands = [{ glob: "generated/*", command: [process.execPath, "{dir}/render.mjs", "{dir}"] }];
  const on: RenderOptions = { cache: null, commands, allowCommands: true };

  it("renders the folder with the command, and reads plain YAML as before", () => {
    const c = loadSide(join(FIXTURE, "base"), { render: on });
    expect([...c.workloads, ...c.services].map((o) => o.id).sort()).toEqual([
      "shop/Deployment/search",
      "shop/Deployment/storefront",
      "shop/Service/search",
      "shop/Service/storefront",
    ]);
    expect(c.namespaces.get("shop")?.source?.file).toBe("plain/namespace.yaml");
    // The YAML beside the command is the command's input, not read raw (no second storefront Service).
    expect(c.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    // An object found among the folder's files points there; the others only to the rendered output.
    expect(byId(c, "shop/Service/storefront")!.source).toMatchObject({
      file: "generated/shop/service-overrides.yaml",
      line: 2,
    });
    const search = byId(c, "shop/Service/search")!.source;
    expect(search.file).toBe("generated/shop");
    expect(isRenderedSource(search) && search.rendered.located).toBe("output");
    expect(c.diagnostics.find((d) => d.code === RENDER_UNMAPPED)?.message).toMatch(
      /^3 object\(s\) rendered from generated\/shop were not found in its files/,
    );
  });

  it("a change to the command's input shows in the diff", () => {
    const result = diffClusters(
      loadSide(join(FIXTURE, "base"), { render: on }),
      loadSide(join(FIXTURE, "head"), { render: on }),
      defaultConfig(),
      exposureOf,
    );
    expect(result.risk).toBe("critical");
    expect(
      result.findings.filter((f) => f.severity === "critical").every((f) => f.objects.includes("shop/Service/search")),
    ).toBe(true);
  });

  it("does not run commands unless allowed, and says so", () => {
    const c = loadSide(join(FIXTURE, "base"), { render: { cache: null, commands } });
    expect(c.workloads).toEqual([]);
    expect(c.diagnostics.filter((d) => d.code === RENDER_SKIPPED)).toEqual([
      expect.objectContaining({
        severity: "warning",
        file: "generated/shop",
        message: expect.stringMatching(/render commands are off \(allow-render-commands/),
      }),
    ]);
  });

  it("turns a failing command into a diagnostic with its message", () => {
    const failing = [
      {
        glob: "generated/*",
        command: [
          process.execPath,
          "-e",
          "console.error('jsonnet: RUNTIME ERROR: field does not exist: port'); process.exit(1)",
        ],
      },
    ];
    const c = loadSide(join(FIXTURE, "base"), { render: { cache: null, commands: failing, allowCommands: true } });
    expect(c.diagnostics.filter((d) => d.code === RENDER_FAILED).map((d) => d.message)).toEqual([
      `${process.execPath} could not render generated/shop: jsonnet: RUNTIME ERROR: field does not exist: port`,
    ]);
  });
});
